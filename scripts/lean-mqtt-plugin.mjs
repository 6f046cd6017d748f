// mqtt.js drags in code a Node CLI never runs: a userland copy of node:stream (readable-stream, which
// Node 20's own streams are the original of), SOCKS-proxy support (socks, ip-address, smart-buffer:
// used only with the `socksProxy` option, which the tool never sets) and browser worker timers (used
// only in a browser). Loading them was ~40% of the MQTT library's bytes and about half of its ~50 ms
// load, on every diagnosis's critical path. This plugin resolves them to Node's stream module and to
// stubs that fail loudly should anything ever call them.
// ws and debug also try, inside try/catch, to require optional native helpers (bufferutil,
// utf-8-validate, supports-color) that are not installed: each miss searched every node_modules folder
// up the tree at run time (~10 ms of a diagnosis, --cpu-prof). They resolve here to a module that
// throws as the missing package did, so the same fallback runs without the search. (esbuild records a
// CommonJS module before running its body, so a second require() of a stub that threw would return {}:
// each has exactly one require() in mqtt.js, ws and debug, inside its try/catch.)
// mqtt.js also reads MQTTJS_SOCKS_PROXY from the environment; src/probes/mqtt-session.ts removes it, so
// the socks stub is never reached.
const STUBS = {
  socks: `export class SocksClient {
    constructor() { throw new Error('lampi-doctor is built without SOCKS proxy support'); }
  }`,
  'worker-timers': `export const setInterval = globalThis.setInterval.bind(globalThis);
    export const clearInterval = globalThis.clearInterval.bind(globalThis);
    export const setTimeout = globalThis.setTimeout.bind(globalThis);
    export const clearTimeout = globalThis.clearTimeout.bind(globalThis);`,
};

const ABSENT = /^(bufferutil|utf-8-validate|supports-color)$/;

export const leanMqtt = {
  name: 'lean-mqtt',
  setup(build) {
    build.onResolve({ filter: /^readable-stream$/ }, () => ({ path: 'node:stream', external: true }));
    build.onResolve({ filter: /^(socks|worker-timers)$/ }, (args) => ({ path: args.path, namespace: 'lean-mqtt-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'lean-mqtt-stub' }, (args) => ({ contents: STUBS[args.path], loader: 'js' }));
    build.onResolve({ filter: ABSENT }, (args) => ({ path: args.path, namespace: 'lean-mqtt-absent' }));
    build.onLoad({ filter: /.*/, namespace: 'lean-mqtt-absent' }, (args) => ({
      contents: `throw Object.assign(new Error("Cannot find module '${args.path}' (not bundled)"), { code: 'MODULE_NOT_FOUND' });`,
      loader: 'js',
    }));
  },
};
