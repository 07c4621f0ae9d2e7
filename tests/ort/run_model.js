#!/usr/bin/env node
// Runs an ONNX model in ONNX Runtime (onnxruntime-node, CPU) for modelexport's tests.
//
//   node tests/ort/run_model.js MODEL.onnx OUTDIR INPUT...
//
// Each INPUT is NAME=FILE:DTYPE:DIMS
//   DTYPE  float32 | float16 | int64 | int32 | bool
//   DIMS   e.g. 1x3x224x224 (empty for a scalar)
//   FILE   raw little-endian data, row-major (bool: one byte per element, 0 or 1;
//          float16: IEEE half bits)
//
// Graph optimizations are disabled so the graph runs as written. For each output i
// (in session.outputNames order) writes OUTDIR/out_<i>.bin with the raw data, and
// OUTDIR/outputs.json: [{"name", "dtype", "dims", "file"}, ...] ("file" relative to
// OUTDIR). Any error: one message on stderr starting with "ort: ", exit status 1.

'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const USAGE = 'usage: node run_model.js MODEL.onnx OUTDIR NAME=FILE:DTYPE:DIMS...';

// dtype -> [typed array constructor, bytes per element]
const DTYPES = {
  float32: [Float32Array, 4],
  float16: [Uint16Array, 2], // raw half bits; onnxruntime-common accepts Uint16Array for float16
  int64: [BigInt64Array, 8],
  int32: [Int32Array, 4],
  bool: [Uint8Array, 1],
};

class OrtError extends Error {}

function fail(msg) {
  throw new OrtError(msg);
}

function parseDims(text, spec) {
  if (text === '') return []; // scalar
  return text.split('x').map((d) => {
    if (!/^[0-9]+$/.test(d)) fail(`bad dims '${text}' in input '${spec}' (expected e.g. 1x3x224x224)`);
    return Number(d);
  });
}

// NAME=FILE:DTYPE:DIMS; FILE may itself contain ':' or '=', so DTYPE and DIMS are the
// last two ':'-separated fields and NAME ends at the first '='.
function parseInput(spec) {
  const eq = spec.indexOf('=');
  if (eq <= 0) fail(`bad input '${spec}' (expected NAME=FILE:DTYPE:DIMS)`);
  const name = spec.slice(0, eq);
  const rest = spec.slice(eq + 1);
  const c2 = rest.lastIndexOf(':');
  const c1 = c2 > 0 ? rest.lastIndexOf(':', c2 - 1) : -1;
  if (c1 <= 0) fail(`bad input '${spec}' (expected NAME=FILE:DTYPE:DIMS)`);
  const file = rest.slice(0, c1);
  const dtype = rest.slice(c1 + 1, c2);
  if (!Object.prototype.hasOwnProperty.call(DTYPES, dtype)) {
    fail(`bad dtype '${dtype}' in input '${spec}' (known: ${Object.keys(DTYPES).join(', ')})`);
  }
  const dims = parseDims(rest.slice(c2 + 1), spec);
  return { name, file, dtype, dims };
}

function loadTensor(ort, input) {
  const [Ctor, size] = DTYPES[input.dtype];
  const count = input.dims.reduce((a, b) => a * b, 1);
  let bytes;
  try {
    bytes = fs.readFileSync(input.file);
  } catch (e) {
    fail(`cannot read data for input '${input.name}': ${e.message}`);
  }
  if (bytes.length !== count * size) {
    fail(
      `input '${input.name}': ${input.file} has ${bytes.length} bytes, ` +
        `expected ${count * size} (${count} x ${input.dtype}, dims [${input.dims.join(', ')}])`,
    );
  }
  // Copy into a fresh, aligned buffer owned by the typed array.
  const data = new Ctor(count);
  new Uint8Array(data.buffer).set(bytes);
  return new ort.Tensor(input.dtype, data, input.dims);
}

function tensorBytes(name, tensor) {
  const data = tensor.data;
  if (!ArrayBuffer.isView(data)) {
    fail(`output '${name}' has type '${tensor.type}', which cannot be written as raw data`);
  }
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function writeFileAtomic(file, data) {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

async function main(argv) {
  if (argv.length < 2) fail(USAGE);
  if (os.endianness() !== 'LE') fail('this runner assumes a little-endian machine');
  const [modelPath, outDir, ...specs] = argv;

  const inputs = specs.map(parseInput);
  const seen = new Set();
  for (const i of inputs) {
    if (seen.has(i.name)) fail(`input '${i.name}' given more than once`);
    seen.add(i.name);
  }

  let ort;
  try {
    ort = require('onnxruntime-node');
  } catch (e) {
    fail(`cannot load onnxruntime-node (run setup.sh, or npm ci --ignore-scripts in tests/ort): ${e.message}`);
  }

  if (!fs.existsSync(modelPath)) fail(`model not found: ${modelPath}`);
  let session;
  try {
    session = await ort.InferenceSession.create(modelPath, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'disabled',
      // Warnings too: the tests fail on "Expected shape from model ... does not match",
      // ORT's warning for an output whose declared shape is wrong at this size.
      logSeverityLevel: 2,
    });
  } catch (e) {
    fail(`cannot load model ${modelPath}: ${e.message}`);
  }

  const feeds = {};
  for (const i of inputs) {
    if (!session.inputNames.includes(i.name)) {
      fail(`model has no input '${i.name}' (inputs: ${session.inputNames.join(', ') || 'none'})`);
    }
    feeds[i.name] = loadTensor(ort, i);
  }
  const missing = session.inputNames.filter((n) => !seen.has(n));
  if (missing.length) fail(`missing input(s): ${missing.join(', ')} (model inputs: ${session.inputNames.join(', ')})`);

  let results;
  try {
    results = await session.run(feeds);
  } catch (e) {
    fail(`run failed: ${e.message}`);
  }

  try {
    fs.mkdirSync(outDir, { recursive: true });
  } catch (e) {
    fail(`cannot create output folder ${outDir}: ${e.message}`);
  }
  const listing = [];
  session.outputNames.forEach((name, i) => {
    const tensor = results[name];
    if (!tensor) fail(`no value for output '${name}'`);
    const file = `out_${i}.bin`;
    try {
      writeFileAtomic(path.join(outDir, file), tensorBytes(name, tensor));
    } catch (e) {
      if (e instanceof OrtError) throw e;
      fail(`cannot write ${path.join(outDir, file)}: ${e.message}`);
    }
    listing.push({ name, dtype: tensor.type, dims: tensor.dims.map(Number), file });
  });
  try {
    writeFileAtomic(path.join(outDir, 'outputs.json'), JSON.stringify(listing, null, 2) + '\n');
  } catch (e) {
    fail(`cannot write ${path.join(outDir, 'outputs.json')}: ${e.message}`);
  }
  if (typeof session.release === 'function') await session.release();
}

main(process.argv.slice(2)).then(
  () => {
    process.exitCode = 0;
  },
  (e) => {
    const msg = e instanceof OrtError ? e.message : `${(e && e.message) || e}`;
    process.stderr.write(`ort: ${msg.trim()}\n`);
    process.exitCode = 1;
  },
);
