export {
  defineHandler,
  type EntityState,
  type Handler,
  type HandlerContext,
  type HandlerDefinition,
  type HandlerEvent,
  type HandlerTransaction,
  isHandler,
} from './define-handler.js';
export { isPermanentError, PermanentError } from './permanent-error.js';
