/** Registers the backends that ship with Fovea. Imported for its effect by the public barrels. */
import { installDefaultBackendNotice } from './default-notice.js';
import { engine } from './engine.js';
import { createRefBackend } from './ref/ref-backend.js';

if (!engine.backendNames().includes('ref')) engine.registerBackend('ref', createRefBackend, 1);
installDefaultBackendNotice();
