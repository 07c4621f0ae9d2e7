"""Seed corpus for one fuzzer, made from the test fixtures: make_seeds.py KIND OUT --build B.
onnx_sidecar: our exports (mlp, rnn) and an extracted module, each packed as the fuzzer
reads it; manifest: the shipped and example manifests; input_spec: the fixtures' --input
specs, --dynamic axes and --arg values; input_file: torch.save files as users write them; profile: ONNX
Runtime's profiles of our mlp export (optimizations off and on), with the export itself and
ORT's optimized graph of it in profile.model/ beside OUT, for the fuzzer to fold the profiles into;
torchvision: the calls of the torchvision kernel cases, encoded for torchvision_fuzzer.cpp;
model_file: small TorchScript files (an MLP traced and scripted, a loop, a constant)."""
import argparse
import glob
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))


def make_model(name, out):
    r = subprocess.run([sys.executable, os.path.join(SOURCE, "examples", "make_model.py"), name, out],
                       check=True, capture_output=True, text=True)
    return r.stdout.split()


def plugin_dir(build, tmp):
    """htp.so from the build, its manifest from the source."""
    plugins = os.path.join(tmp, "plugins")
    os.makedirs(plugins, exist_ok=True)
    shutil.copy(os.path.join(build, "plugins", "htp", "htp.so"), plugins)
    shutil.copy(os.path.join(SOURCE, "plugins", "htp", "htp.yaml"), plugins)
    return plugins


def export(build, tmp, name):
    """Our export of example model `name` into tmp: (NAME.onnx, its --input specs)."""
    pt, onnx = os.path.join(tmp, name + ".pt"), os.path.join(tmp, name + ".onnx")
    specs = make_model(name, pt)
    args = [a for spec in specs for a in ("--input", spec)]
    subprocess.run([os.path.join(build, "host", "modelexport"), "export", pt, onnx, "--plugin-dir",
                    plugin_dir(build, tmp)] + args, check=True, capture_output=True)
    return onnx, specs


def onnx_sidecar(out, build):
    exe = os.path.join(build, "host", "modelexport")
    with tempfile.TemporaryDirectory() as tmp:
        for name in ["mlp", "rnn"]:
            onnx, _ = export(build, tmp, name)
            pairs = [(name, onnx)]
            part = os.path.join(tmp, name + "_part.onnx")
            module = "encoder" if name == "mlp" else "lstm"
            if subprocess.run([exe, "extract", onnx, "--module", module, "-o", part], capture_output=True).returncode == 0:
                pairs.append((name + "_part", part))
            for label, path in pairs:
                data = open(path, "rb").read()
                sidecar = open(path[:-5] + "_hierarchy.json", "rb").read()
                open(os.path.join(out, label), "wb").write(struct.pack("<I", len(data)) + data + sidecar)


def profile(out, build):
    model = os.path.join(os.path.dirname(os.path.abspath(out)), "profile.model")
    os.makedirs(model, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        onnx, specs = export(build, tmp, "mlp")
        for f in ["mlp.onnx", "mlp_hierarchy.json"]:
            shutil.copy(os.path.join(tmp, f), model)
        for level in ["disabled", "all"]:
            run = os.path.join(tmp, level)
            subprocess.run(["node", os.path.join(SOURCE, "tests", "ort", "profile_model.js"), onnx, run, level, "2"] +
                           specs, check=True, capture_output=True)
            shutil.copy(os.path.join(run, "profile.json"), os.path.join(out, "profile_" + level + ".json"))
            if level == "all":  # the graph the "all" profile's names come from, with its weights file
                for f in os.listdir(run):
                    if f.startswith("ort_graph"):
                        shutil.copy(os.path.join(run, f), model)


def manifest(out, build):
    for path in glob.glob(os.path.join(SOURCE, "plugins", "*", "*.yaml")) + glob.glob(
            os.path.join(SOURCE, "examples", "*", "*.yaml")):
        shutil.copy(path, os.path.join(out, os.path.basename(path)))


def input_spec(out, build):
    specs = ["x:float32:1x3x224x224", "ids:int64:1x16:0..99", "m:bool:2x3", "s:float32:", "x:0", "x:1:batch", "n=3",
             "scale=0.5"]
    with tempfile.TemporaryDirectory() as tmp:
        for name in ["mlp", "bert"]:
            specs += make_model(name, os.path.join(tmp, name + ".pt"))
    for i, s in enumerate(specs):
        open(os.path.join(out, "spec%d" % i), "w").write(s)


def input_file(out, build):
    import torch
    torch.manual_seed(0)
    saved = {"tensor": torch.randn(2, 3), "tuple": (torch.randn(2, 16), torch.arange(6).view(2, 3)),
             "list": [torch.ones(1, dtype=torch.bool)], "view": (torch.randn(4, 4)[1:, ::2],),
             "half": (torch.randn(3).half(),)}
    for name, value in saved.items():
        torch.save(value, os.path.join(out, name + ".pt"))


def model_file(out, build):
    """Small TorchScript files (a few KB) whose forward takes one float tensor of 2x4, as
    model_file_fuzzer.cpp traces them: an MLP traced and scripted, a loop, a constant."""
    import torch

    class Loop(torch.nn.Module):
        def forward(self, x):
            for i in range(3):
                x = x * 2 + i
            return x

    class Constant(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.c = torch.tensor([1.0, 2.0, 3.0, 4.0])

        def forward(self, x):
            return x + self.c

    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2)).eval()
    torch.jit.save(torch.jit.trace(mlp, torch.randn(2, 4)), os.path.join(out, "mlp_traced.pt"))
    torch.jit.save(torch.jit.script(mlp), os.path.join(out, "mlp_scripted.pt"))
    torch.jit.save(torch.jit.script(Loop()), os.path.join(out, "loop.pt"))
    torch.jit.save(torch.jit.script(Constant()), os.path.join(out, "constant.pt"))


def torchvision(out, build):
    """The cases of tests/fixtures/torchvision_kernels.py (every op, both dtypes, each argument
    combination), encoded as torchvision_fuzzer.cpp decodes its input: one byte per choice,
    sizes cut to the fuzzer's ranges, boxes and offsets on its quarter-step grid."""
    import torch
    sys.path.insert(0, os.path.join(SOURCE, "tests", "fixtures"))
    import torchvision_kernels
    ops, tensors, args = torchvision_kernels.make_cases()
    names = ["nms", "roi_align", "roi_pool", "ps_roi_align", "ps_roi_pool", "deform_conv2d"]
    for i, (op, ts, a) in enumerate(zip(ops, tensors, args)):
        b = bytearray([names.index(op), 8 if ts[0].dtype == torch.float64 else 0])
        encode = {"nms": tv_nms, "deform_conv2d": tv_deform}.get(op, tv_roi)
        encode(b, op, ts, a)
        open(os.path.join(out, "%s_%d" % (op, i)), "wb").write(bytes(b))


def tv_value(b, v):
    b += bytes([0, int(max(-128, min(127, round(v * 4)))) & 0xFF])


def tv_dims(b, shape, mods):
    b.append(0)  # the op's own rank
    b += bytes([min(d, m - 1) for d, m in zip(shape, mods)])
    return [min(d, m - 1) for d, m in zip(shape, mods)]


def tv_filled(b, shape):
    b.append(16)
    if all(shape):
        b.append(0)  # no NaN


def tv_roi(b, op, ts, a):
    tv_filled(b, tv_dims(b, list(ts[0].shape), [4, 13, 17, 17]))
    rois = ts[1][:8].tolist()
    b += bytes([len(rois), 0, 0])
    for roi in rois:
        b.append(int(roi[0]))
        for v in roi[1:]:
            tv_value(b, v)
    b.append([1, 0.5, 0.25, 0.125, 0.0625, 2, 4].index(a[0]))
    b += bytes([int(a[1]) - 1, int(a[2]) - 1])
    if op in ("roi_align", "ps_roi_align"):
        b.append(int(a[3]) + 1)
    if op == "roi_align":
        b.append(int(a[4]))


def tv_nms(b, op, ts, a):
    n = min(len(ts[0]), 32)
    b += bytes([n, 0])
    for v in ts[0][:n].flatten().tolist():
        tv_value(b, v)
    b += bytes([0, 0])
    for v in ts[1][:n].tolist():
        tv_value(b, v)
    b.append(round(a[0] * 8))


def tv_deform(b, op, ts, a):
    stride, pad, dil, groups, offset_groups, use_mask = int(a[0]), int(a[2]), int(a[4]), int(a[6]), int(a[7]), a[8] > 0
    n, c, h, w = tv_dims(b, list(ts[0].shape), [3, 7, 9, 9])
    tv_filled(b, [n, c, h, w])
    c_out, _, kh, kw = tv_dims(b, list(ts[1].shape), [7, 7, 4, 4])
    b.append(0)  # the weight's dtype is the input's
    tv_filled(b, [c_out, 1, kh, kw])
    b += bytes([stride - 1, stride - 1, pad, pad, dil - 1, dil - 1, groups - 1, offset_groups - 1, int(use_mask)])
    oh = (h + 2 * pad - (dil * (kh - 1) + 1)) // stride + 1
    ow = (w + 2 * pad - (dil * (kw - 1) + 1)) // stride + 1
    taps = offset_groups * kh * kw
    b += bytes([0, 0])  # offset and mask of the shapes the arguments need
    for t, count in [(ts[2], n * 2 * taps * oh * ow)] + ([(ts[3], n * taps * oh * ow)] if use_mask else []):
        values = t.flatten().tolist()
        for j in range(count):
            tv_value(b, values[j % len(values)])
    b.append(0)  # bias [c_out]
    tv_filled(b, [c_out])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("kind")
    p.add_argument("out")
    p.add_argument("--build", required=True)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    {"onnx_sidecar": onnx_sidecar, "manifest": manifest, "input_spec": input_spec, "input_file": input_file,
     "profile": profile, "torchvision": torchvision, "model_file": model_file}[a.kind](
        a.out, a.build)


if __name__ == "__main__":
    main()
