"""Makes hostile or damaged files for the tests of issue 14, at test time:
python3 hostile_files.py KIND OUT. Each kind is one way a file lies to its reader."""
import io
import pickletools
import struct
import sys
import zipfile
from typing import Dict, List

import torch


def rewrite_zip(path, change):
    """Rewrites the ZIP archive at `path` with change(name, bytes) -> bytes for each record."""
    with zipfile.ZipFile(path) as z:
        records = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in records:
            z.writestr(name, change(name, data))


def patch(data, old, new):
    assert data.count(old) == 1, (old, data.count(old))
    return data.replace(old, new)


def damage_debug_info(data):
    """A .debug_pkl's bytes, its torch.jit._pickle globals renamed to one LibTorch's unpickler does not know."""
    return data.replace(b"torch.jit._pickle", b"tprch.jit._pickle")


# A (7, 13) float tensor (364 bytes) pickled with sizes (7, 13) and strides (13, 1), as
# Python's pickler writes 2-tuples (TUPLE2) and as TorchScript's writes them (MARK ... TUPLE);
# made to claim a 100000 x 1000 view of those 364 bytes.
K7, K13, K1 = b"K\x07", b"K\r", b"K\x01"
J100000, J1000 = b"J\xa0\x86\x01\x00", b"J\xe8\x03\x00\x00"


def widen_view(name, data):
    if not name.endswith("data.pkl"):
        return data
    if (K7 + K13 + b"\x86") in data:
        data = patch(data, K7 + K13 + b"\x86", J100000 + J1000 + b"\x86")
        return patch(data, K13 + K1 + b"\x86", J1000 + K1 + b"\x86")
    return patch(data, b"(" + K7 + K13 + b"t(" + K13 + K1 + b"t", b"(" + J100000 + J1000 + b"t(" + J1000 + K1 + b"t")


def cut_record(name, data):
    return data[:364] if "/data/" in name and not name.endswith(".pkl") else data


def lying_pickle(change):
    """A rewrite of data.pkl: change(data, pos) at the first opcode named `change.op`."""
    def rewrite(name, data):
        if not name.endswith("data.pkl"):
            return data
        pos = next(p for op, _, p in pickletools.genops(data) if op.name == change.op)
        return change(data, pos)
    return rewrite


def claim_4gb(data, pos):  # a string's length: 4 GB that the pickle does not hold
    return data[:pos + 1] + struct.pack("<I", 0xFFFF0007) + data[pos + 5:]


claim_4gb.op = "BINUNICODE"


def memo_far(data, pos):  # a memo entry stored at index 2^31, not the next one
    return data[:pos] + b"r" + struct.pack("<I", 0x80000000) + data[pos + 2:]


memo_far.op = "BINPUT"


class Weight(torch.nn.Module):
    def __init__(self, shape):
        super().__init__()
        self.w = torch.nn.Parameter(torch.ones(shape))

    def forward(self, x):
        return x + self.w.sum()


class Table(Weight):
    def forward(self, ids):
        return torch.index_select(self.w, 0, ids)


class Relu(torch.nn.Module):
    def forward(self, x):
        return torch.relu(x)


class Raises(torch.nn.Module):
    def forward(self, x):
        if bool(x.sum() > -1e30):
            raise RuntimeError("deliberate failure in forward")
        return x


class ListArg(torch.nn.Module):
    def forward(self, xs: List[torch.Tensor]):
        return xs[0]


class DictArg(torch.nn.Module):
    def forward(self, xs: Dict[str, torch.Tensor]):
        return xs["a"]


class ReturnsNone(torch.nn.Module):
    def forward(self, x):
        return None


class ReturnsStr(torch.nn.Module):
    def forward(self, x):
        return "hello"


class ReturnsInt(torch.nn.Module):
    def forward(self, x):
        return 3


class EndlessLoop(torch.nn.Module):  # a while loop whose condition never turns false
    def forward(self, x):
        i = 0
        while i >= 0:
            x = x + 1
            i = i + 1
        return x


class LongLoop(torch.nn.Module):  # 3000 trips of one add each: ends, but past a small --max-ops
    def forward(self, x):
        for _ in range(3000):
            x = x + 1
        return x


class Branch(torch.nn.Module):  # an if: its name in messages comes from the debug information
    def forward(self, x):
        if x.size(0) > 1:
            x = x + 1
        return x


def helper(x, flag: bool):  # compiled by LibTorch only when CallsHelper.forward names it
    if flag:
        y = x + 1
    else:
        y = x
    return y


class CallsHelper(torch.nn.Module):
    def forward(self, x):
        return helper(x, True)


# Edits of a scripted Relu's code/__torch__.py, each leaving out a part of a class that
# LibTorch 1.13's importer reads without checking it is there (it crashed reading past it).
# The second class of the last three is found when the module's attribute z names its type.
AFTER_TRAINING, AFTER_BUFFERS, CLASS = b"  training : bool\n", b"  __buffers__ = []\n", b"class Relu(Module):\n"
CODE_EDITS = {
    "code_untyped_constant": (AFTER_TRAINING, AFTER_TRAINING + b"  answer = 3\n"),
    "code_parameters_without_value": (b"  __parameters__ = []\n", b"  __parameters__ : List[str]\n"),
    "code_buffers_without_value": (AFTER_BUFFERS, b"  __buffers__ : List[str]\n"),
    "code_hooks_without_value": (AFTER_BUFFERS, AFTER_BUFFERS + b"  __forward_hooks__ : List[str]\n"),
    "code_pre_hooks_without_value": (AFTER_BUFFERS, AFTER_BUFFERS + b"  __forward_pre_hooks__ : List[str]\n"),
    "code_hook_never_defined": (AFTER_BUFFERS, AFTER_BUFFERS + b'  __forward_hooks__ = ["hook"]\n'),
    "code_pre_hook_never_defined": (AFTER_BUFFERS, AFTER_BUFFERS + b'  __forward_pre_hooks__ = ["hook"]\n'),
    "code_subscript_without_value": (AFTER_TRAINING, AFTER_TRAINING + b'  __annotations__["0"] : Tensor\n'),
    "code_interface_method_without_self": (CLASS, b"class I(Interface):\n  def f() -> int:\n    pass\n" + CLASS +
                                           b"  z : Optional[__torch__.I]\n"),
    "code_named_tuple_field_without_type": (CLASS, b"class T(NamedTuple):\n  a = 1\n" + CLASS +
                                            b"  z : Optional[__torch__.T]\n"),
    "code_enum_member_without_value": (CLASS, b"class E(Enum):\n  a : int\n" + CLASS + b"  z : Optional[__torch__.E]\n"),
}


def save_module(module, out):
    torch.jit.save(torch.jit.script(module.eval()), out)


def main(kind, out):
    if kind == "view_over_storage":
        save_module(Weight((7, 13)), out)
        rewrite_zip(out, widen_view)
    elif kind == "truncated_record":
        save_module(Weight((1000,)), out)
        rewrite_zip(out, cut_record)
    elif kind == "input_view_over_storage":
        torch.save((torch.ones(7, 13),), out)
        rewrite_zip(out, widen_view)
    elif kind == "input_truncated_record":
        torch.save((torch.ones(1000),), out)
        rewrite_zip(out, cut_record)
    elif kind == "pickle_length":
        save_module(Weight((3,)), out)
        rewrite_zip(out, lying_pickle(claim_4gb))
    elif kind in ("input_pickle_length", "input_pickle_memo"):
        torch.save((torch.ones(3),), out)
        rewrite_zip(out, lying_pickle(claim_4gb if kind == "input_pickle_length" else memo_far))
    elif kind == "big_weight":  # 256 MB of weights: its export writes long enough to be caught mid-write
        torch.manual_seed(0)
        module = Table((1 << 20, 64))  # rows picked by the input ids: the weight stays an initializer
        module.w.data.uniform_()
        save_module(module, out)
    elif kind == "damaged_debug_info":  # a global LibTorch's unpickler does not know, in every .debug_pkl
        save_module(Branch(), out)
        rewrite_zip(out, lambda n, d: damage_debug_info(d) if n.endswith(".debug_pkl") else d)
    elif kind == "damaged_debug_info_and_code":  # that, and a y that a free function's if sets in one branch only
        save_module(CallsHelper(), out)
        rewrite_zip(out, lambda n, d: damage_debug_info(d) if n.endswith(".debug_pkl")
                    else patch(d, b"y = torch.add(x, 1)", b"y9 = torch.add(x, 1)") if n.endswith(".py") else d)
    elif kind == "debug_info_index_past_table":  # a source's first line index made 99, past the 6 strings of its table
        save_module(Branch(), out)
        rewrite_zip(out, lambda n, d: patch(d, b"K\x01K\x02K\x03K\x04K\x00", b"K\x63K\x02K\x03K\x04K\x00")
                    if n.endswith(".debug_pkl") else d)
    elif kind == "debug_info_index_not_int":  # that index made the string "a" (the fuzzer's find)
        save_module(Branch(), out)
        rewrite_zip(out, lambda n, d: patch(d, b"K\x01K\x02K\x03K\x04K\x00", b"X\x01\x00\x00\x00aK\x02K\x03K\x04K\x00")
                    if n.endswith(".debug_pkl") else d)
    elif kind in CODE_EDITS:
        save_module(Relu(), out)
        old, new = CODE_EDITS[kind]
        rewrite_zip(out, lambda n, d: patch(d, old, new) if n.endswith(".py") else d)
    elif kind == "unknown_op":
        save_module(Relu(), out)
        rewrite_zip(out, lambda n, d: d.replace(b"torch.relu(", b"torch.no_such_op(") if n.endswith(".py") else d)
    else:
        classes = {"raises": Raises, "list_arg": ListArg, "dict_arg": DictArg, "returns_none": ReturnsNone,
                   "returns_str": ReturnsStr, "returns_int": ReturnsInt, "endless_loop": EndlessLoop,
                   "long_loop": LongLoop}
        save_module(classes[kind](), out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
