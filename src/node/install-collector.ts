/**
 * Importing this installs Node's driven garbage collector (garbage-collector.ts), so the wasm heap
 * reclaims unreachable tensors when it would otherwise grow (tensor/reclamation.ts). The Node entry
 * and the command line both import it: a PyTorch-style loop run by `fovea bench --api nn` needs it
 * as much as a program importing 'fovea'.
 */
import { nodeGarbageCollector } from './garbage-collector.js';
import { installGarbageCollector } from '../tensor/reclamation.js';

const collector = nodeGarbageCollector();
if (collector !== null) installGarbageCollector(collector);
