#!/usr/bin/env node
// Runs an ONNX model in ONNX Runtime (onnxruntime-node, CPU) with profiling on, for the
// tests of `modelexport profile`.
//
//   node tests/ort/profile_model.js MODEL.onnx OUTDIR LEVEL RUNS INPUT...
//
// LEVEL is ORT's graphOptimizationLevel (disabled | basic | extended | all); RUNS how many
// times the model runs. Each INPUT is NAME:DTYPE:DIMS[:LOW..HIGH] as examples/make_model.py
// prints them (float32: values in [-1, 1); int64: integers in [LOW, HIGH], default 0..9),
// from a fixed-seed generator. Writes OUTDIR/profile.json (the profile ORT wrote) and
// OUTDIR/ort_graph.onnx (the optimized graph of the session, optimizedModelFilePath; its
// initializers in OUTDIR/ort_graph.onnx.data). Any
// error: one message on stderr starting with "ort: ", exit status 1.

'use strict';

const fs = require('fs');
const path = require('path');

class OrtError extends Error {}
const fail = (msg) => {
  throw new OrtError(msg);
};

// A small LCG: the same inputs on every run and machine.
let seed = 12345;
const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

function makeTensor(ort, spec) {
  const [name, dtype, dimsText, range] = spec.split(':');
  const dims = dimsText ? dimsText.split('x').map(Number) : [];
  if (!name || dims.some((d) => !Number.isInteger(d) || d < 0)) fail(`bad input '${spec}' (NAME:DTYPE:DIMS[:LOW..HIGH])`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (dtype === 'float32') return [name, new ort.Tensor('float32', Float32Array.from({ length: count }, () => 2 * next() - 1), dims)];
  if (dtype === 'int64') {
    const [low, high] = range ? range.split('..').map(Number) : [0, 9];
    const data = BigInt64Array.from({ length: count }, () => BigInt(low + Math.floor(next() * (high - low + 1))));
    return [name, new ort.Tensor('int64', data, dims)];
  }
  return fail(`input '${spec}': dtype '${dtype}' is not supported here (float32, int64)`);
}

async function main(argv) {
  if (argv.length < 4) fail('usage: node profile_model.js MODEL.onnx OUTDIR LEVEL RUNS INPUT...');
  const [model, outDir, level, runsText, ...specs] = argv;
  const runs = Number(runsText);
  if (!Number.isInteger(runs) || runs < 1) fail(`bad RUNS '${runsText}'`);
  const ort = require('onnxruntime-node');
  fs.mkdirSync(outDir, { recursive: true });
  const prefix = path.join(outDir, 'ort_profile');
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: level,
    enableProfiling: true,
    profileFilePrefix: prefix,
    optimizedModelFilePath: path.join(outDir, 'ort_graph.onnx'),
    // The graph is what `modelexport profile --ort-graph` needs, not the weights: they go to
    // a file of their own beside it.
    extra: { session: { optimized_model_external_initializers_file_name: 'ort_graph.onnx.data' } },
    logSeverityLevel: 3,
  });
  const feeds = Object.fromEntries(specs.map((s) => makeTensor(ort, s)));
  for (let i = 0; i < runs; i++) await session.run(feeds);
  session.endProfiling();
  await session.release();
  // ORT names the file PREFIX_<date>_<time>.json.
  const written = fs.readdirSync(outDir).filter((f) => f.startsWith('ort_profile_') && f.endsWith('.json'));
  if (written.length !== 1) fail(`expected one profile in ${outDir}, found ${written.length}`);
  fs.renameSync(path.join(outDir, written[0]), path.join(outDir, 'profile.json'));
}

main(process.argv.slice(2)).then(
  () => {
    process.exitCode = 0;
  },
  (e) => {
    process.stderr.write(`ort: ${`${(e && e.message) || e}`.trim()}\n`);
    process.exitCode = 1;
  },
);
