// `readable-stream` (mqtt.js, bl, mqtt-packet) as the package itself is with READABLE_STREAM=disable:
// Node's own streams. The bundle then carries, reads and compiles one stream implementation, not two.
'use strict';
const Stream = require('node:stream');

for (const name of ['_uint8ArrayToBuffer', '_isUint8Array', 'isDisturbed', 'isErrored', 'isReadable', 'Readable', 'Writable', 'Duplex', 'Transform', 'PassThrough', 'addAbortSignal', 'finished', 'destroy', 'pipeline', 'compose', 'promises', 'Stream']) {
  module.exports[name] = Stream[name];
}
module.exports.default = module.exports;
