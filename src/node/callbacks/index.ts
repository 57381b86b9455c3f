/** The callbacks that write files (checkpoints, backups, logs, TensorBoard events): Node only. */
export { ModelCheckpoint } from './model-checkpoint.js';
export type { ModelCheckpointOptions } from './model-checkpoint.js';
export { BackupAndRestore, BACKUP_FILE } from './backup-and-restore.js';
export type { BackupAndRestoreOptions } from './backup-and-restore.js';
export { CSVLogger } from './csv-logger.js';
export type { CSVLoggerOptions } from './csv-logger.js';
export { TensorBoard } from './tensorboard.js';
export type { TensorBoardOptions } from './tensorboard.js';
export { EventFileWriter } from './event-file-writer.js';
// TensorBoard's event encoding (protobufjs) is exported with the Node callbacks that write event
// files, so the browser core does not bundle protobufjs.
export { encodeEvent, decodeEvent, histogramOf } from '../../callbacks/event-proto.js';
export type { TfEvent, Histogram, SummaryValue } from '../../callbacks/event-proto.js';
