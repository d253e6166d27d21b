// A module that forgot defineHandler: the worker must refuse it at start-up.
export default {
  handle() {},
};
