"""Seed corpus for one fuzzer, made from the test fixtures: make_seeds.py KIND OUT --build B.
onnx_sidecar: our exports (mlp, rnn) and an extracted module, each packed as the fuzzer
reads it; manifest: the shipped and example manifests; input_spec: the fixtures' --input
specs, --dynamic axes and --arg values; input_file: torch.save files as users write them; profile: ONNX
Runtime's profiles of our mlp export (optimizations off and on), with the export itself and
ORT's optimized graph of it in profile.model/ beside OUT, for the fuzzer to fold the profiles into."""
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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("kind")
    p.add_argument("out")
    p.add_argument("--build", required=True)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    {"onnx_sidecar": onnx_sidecar, "manifest": manifest, "input_spec": input_spec, "input_file": input_file,
     "profile": profile}[a.kind](
        a.out, a.build)


if __name__ == "__main__":
    main()
