// What the pages share: the session, the last UPS snapshot, and a tiny event emitter.
const handlers = {};
export const store = {
  session: null,
  ups: null,
  on(name, fn) {
    (handlers[name] = handlers[name] || new Set()).add(fn);
    return () => handlers[name].delete(fn);
  },
  emit(name, arg) {
    for (const fn of handlers[name] || []) fn(arg);
  },
  can(role) {
    const order = ["read", "write", "admin"];
    return !!this.session && order.indexOf(this.session.role) >= order.indexOf(role);
  },
};
