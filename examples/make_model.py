#!/usr/bin/python3
"""Make an example TorchScript model for modelexport.

Usage:
    /usr/bin/python3 examples/make_model.py NAME OUT.pt
    /usr/bin/python3 examples/make_model.py --list

The model gets random weights from a fixed seed (torch.manual_seed(0)), is put in
eval mode and traced with torch.jit.trace (autograd on, see make()). BatchNorm layers get
seeded affine parameters and running statistics measured on a few random batches, so
outputs depend on the input (tests/host/export_zoo_test.cpp checks that they do).

Prints one line on stdout: the input spec(s) for the exporter, space-separated,
e.g. `x:float32:1x3x224x224`.

To add a model, write a builder returning (module, [(name, dtype, dims), ...]) and
add it to BUILDERS.
"""

import argparse
import contextlib
import math
import os
import sys

import torch
from torch import nn

SEED = 0


# --------------------------------------------------------------------------- models


class Block(nn.Module):
    """Linear + ReLU, twice, inside an nn.Sequential."""

    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(in_features, hidden),
            nn.ReLU(),
            nn.Linear(hidden, out_features),
            nn.ReLU(),
        )

    def forward(self, x):
        return self.layers(x)


class Encoder(nn.Module):
    """A ModuleList of Blocks."""

    def __init__(self, in_features, hidden, depth):
        super().__init__()
        self.blocks = nn.ModuleList(
            [Block(in_features if i == 0 else hidden, hidden, hidden) for i in range(depth)]
        )

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        return x


class MLP(nn.Module):
    """MLP -> Encoder -> ModuleList[Block] -> Sequential[Linear, ReLU, ...]; head Linear."""

    def __init__(self, in_features=16, hidden=32, out_features=8, depth=2):
        super().__init__()
        self.encoder = Encoder(in_features, hidden, depth)
        self.head = nn.Linear(hidden, out_features)

    def forward(self, x):
        return self.head(self.encoder(x))


def build_mlp():
    return MLP(), [("x", "float32", (2, 16))]


def build_resnet18():
    import torchvision

    return torchvision.models.resnet18(weights=None), [("x", "float32", (1, 3, 224, 224))]


def build_torchvision(name, size=224, **kwargs):
    def build():
        import torchvision

        model = getattr(torchvision.models, name)(weights=None, **kwargs)
        return model, [("x", "float32", (1, 3, size, size))]

    return build


# ---------------------------------------------------------------- a BERT-like model
# Written here with HuggingFace's class and attribute names, so tags read like
# /BertModel/BertEncoder/BertLayer.0/BertAttention/BertSelfAttention.


class BertConfig:
    vocab_size = 100
    hidden_size = 64
    num_hidden_layers = 2
    num_attention_heads = 4
    intermediate_size = 128
    max_position_embeddings = 64
    type_vocab_size = 2
    layer_norm_eps = 1e-12


class BertEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(0.1)
        self.register_buffer("position_ids", torch.arange(c.max_position_embeddings).expand((1, -1)))

    def forward(self, input_ids):
        seq_length = input_ids.size(1)
        position_ids = self.position_ids[:, :seq_length]
        token_type_ids = torch.zeros_like(input_ids)
        embeddings = (
            self.word_embeddings(input_ids)
            + self.token_type_embeddings(token_type_ids)
            + self.position_embeddings(position_ids)
        )
        return self.dropout(self.LayerNorm(embeddings))


class BertSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.num_attention_heads = c.num_attention_heads
        self.attention_head_size = c.hidden_size // c.num_attention_heads
        self.all_head_size = c.hidden_size
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)
        self.dropout = nn.Dropout(0.1)

    def transpose_for_scores(self, x):
        new_shape = x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)
        return x.view(new_shape).permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask):
        q = self.transpose_for_scores(self.query(hidden_states))
        k = self.transpose_for_scores(self.key(hidden_states))
        v = self.transpose_for_scores(self.value(hidden_states))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.attention_head_size)
        scores = scores + attention_mask
        probs = self.dropout(nn.functional.softmax(scores, dim=-1))
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return context.view(context.size()[:-2] + (self.all_head_size,))


class BertSelfOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(0.1)

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dropout(self.dense(hidden_states)) + input_tensor)


class BertAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = BertSelfAttention(c)
        self.output = BertSelfOutput(c)

    def forward(self, hidden_states, attention_mask):
        return self.output(self.self(hidden_states, attention_mask), hidden_states)


class BertIntermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.intermediate_size)
        self.intermediate_act_fn = nn.GELU()

    def forward(self, hidden_states):
        return self.intermediate_act_fn(self.dense(hidden_states))


class BertOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.intermediate_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(0.1)

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dropout(self.dense(hidden_states)) + input_tensor)


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = BertAttention(c)
        self.intermediate = BertIntermediate(c)
        self.output = BertOutput(c)

    def forward(self, hidden_states, attention_mask):
        attention_output = self.attention(hidden_states, attention_mask)
        return self.output(self.intermediate(attention_output), attention_output)


class BertEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(c) for _ in range(c.num_hidden_layers)])

    def forward(self, hidden_states, attention_mask):
        for layer_module in self.layer:
            hidden_states = layer_module(hidden_states, attention_mask)
        return hidden_states


class BertPooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.activation = nn.Tanh()

    def forward(self, hidden_states):
        return self.activation(self.dense(hidden_states[:, 0]))


class BertModel(nn.Module):
    def __init__(self, c=BertConfig()):
        super().__init__()
        self.embeddings = BertEmbeddings(c)
        self.encoder = BertEncoder(c)
        self.pooler = BertPooler(c)

    def forward(self, input_ids, attention_mask):
        extended = attention_mask[:, None, None, :].to(torch.float32)
        extended = (1.0 - extended) * torch.finfo(torch.float32).min
        sequence_output = self.encoder(self.embeddings(input_ids), extended)
        return sequence_output, self.pooler(sequence_output)


def build_bert():
    c = BertConfig()
    return BertModel(c), [
        ("input_ids", "int64", (1, 16), (0, c.vocab_size - 1)),
        ("attention_mask", "int64", (1, 16), (0, 1)),
    ]


# ---------------------------------------------------------------- other sequence models


class TransformerEncoderModel(nn.Module):
    """torch.nn.TransformerEncoder, batch_first, with a key padding mask."""

    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)

    def forward(self, x, padding_mask):
        return self.encoder(x, src_key_padding_mask=padding_mask)


def build_transformer_encoder():
    return TransformerEncoderModel(), [("x", "float32", (2, 10, 32)), ("padding_mask", "bool", (2, 10))]


class TransformerDecoderModel(nn.Module):
    """torch.nn.TransformerDecoder, batch_first, with a causal target mask made in forward
    from the target's length (so it follows a dynamic sequence axis) and a memory key
    padding mask."""

    def __init__(self):
        super().__init__()
        layer = nn.TransformerDecoderLayer(d_model=32, nhead=4, dim_feedforward=64, batch_first=True)
        self.decoder = nn.TransformerDecoder(layer, num_layers=2, norm=nn.LayerNorm(32))

    def forward(self, tgt, memory, memory_key_padding_mask):
        # -inf above the diagonal (full + triu). torch.jit.trace keeps its size tied to
        # tgt.size(1), so with a dynamic tgt axis the exported graph computes it.
        causal = nn.Transformer.generate_square_subsequent_mask(tgt.size(1))
        return self.decoder(tgt, memory, tgt_mask=causal, memory_key_padding_mask=memory_key_padding_mask)


def build_transformer_decoder():
    return TransformerDecoderModel(), [
        ("tgt", "float32", (1, 6, 32)),
        ("memory", "float32", (1, 10, 32)),
        ("memory_key_padding_mask", "bool", (1, 10)),
    ]


class RecurrentModel(nn.Module):
    """An LSTM and a GRU in sequence (ONNX LSTM / GRU)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=16, hidden_size=32, num_layers=2, batch_first=True)
        self.gru = nn.GRU(input_size=32, hidden_size=24, batch_first=True)
        self.head = nn.Linear(24, 4)

    def forward(self, x):
        y, _ = self.lstm(x)
        y, _ = self.gru(y)
        return self.head(y)


def build_rnn():
    return RecurrentModel(), [("x", "float32", (2, 12, 16))]


class Inner(nn.Module):
    """Calls an op that ONNX has no counterpart for, to exercise the unsupported-op error."""

    def forward(self, x):
        return torch.cumprod(x, dim=1)


class Unsupported(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(8, 8)
        self.inner = Inner()

    def forward(self, x):
        return self.inner(self.proj(x))


def build_unsupported():
    return Unsupported(), [("x", "float32", (2, 8))]


BUILDERS = {
    "mlp": build_mlp,
    "resnet18": build_resnet18,
    "resnet50": build_torchvision("resnet50"),
    "mobilenet_v2": build_torchvision("mobilenet_v2"),
    "mobilenet_v3_large": build_torchvision("mobilenet_v3_large"),
    "efficientnet_b1": build_torchvision("efficientnet_b1", size=240),
    "vgg11_bn": build_torchvision("vgg11_bn"),
    "googlenet": build_torchvision("googlenet", aux_logits=False, init_weights=True),
    "mnasnet0_5": build_torchvision("mnasnet0_5"),
    "vit_b_32": build_torchvision("vit_b_32"),
    "bert": build_bert,
    "transformer_encoder": build_transformer_encoder,
    "transformer_decoder": build_transformer_decoder,
    "rnn": build_rnn,
    # The transformers again, traced under torch.no_grad() as the PyTorch tutorials trace:
    # eval-mode attention and encoder layers take their fused fast paths there.
    "bert_no_grad": build_bert,
    "transformer_encoder_no_grad": build_transformer_encoder,
    "transformer_decoder_no_grad": build_transformer_decoder,
    "vit_b_32_no_grad": build_torchvision("vit_b_32"),
    # Test-only: contains aten::cumprod, which no converter handles.
    "unsupported": build_unsupported,
}


# --------------------------------------------------------------------------- helpers

DTYPES = {
    "float32": torch.float32,
    "float16": torch.float16,
    "int64": torch.int64,
    "int32": torch.int32,
    "bool": torch.bool,
}


def randomize_batchnorm(model):
    """Give every BatchNorm seeded affine parameters; its running statistics come from
    calibrate_batchnorm()."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.modules.batchnorm._BatchNorm) and module.affine:
                n = module.num_features
                module.weight.copy_(torch.rand(n) + 0.5)
                module.bias.copy_(torch.randn(n) * 0.1)


CALIBRATION_BATCHES = 3


def calibrate_batchnorm(model, inputs):
    """Running statistics measured on data: a few seeded batches of example-like inputs go
    through the model with only the BatchNorm layers in train mode and momentum None (a
    plain average). Statistics made up without data (a fixed schedule) shrink or blow up the
    activations of deep nets until the output barely depends on the input (five zoo models
    had outputs that differed by ~1e-7 between random inputs); measured ones keep each
    layer's activations near unit scale."""
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.track_running_stats]
    if not norms:
        return
    model.eval()
    saved = []
    for m in norms:
        saved.append(m.momentum)
        m.reset_running_stats()
        m.momentum = None
        m.train()
    with torch.no_grad():
        for _ in range(CALIBRATION_BATCHES):
            batch = [(name, dtype, (max(dims[0], 4),) + tuple(dims[1:]), *vr) for name, dtype, dims, *vr in inputs]
            model(*(example_input(dtype, dims, *vr) for _, dtype, dims, *vr in batch))
    for m, momentum in zip(norms, saved):
        m.momentum = momentum
    model.eval()


# Models whose flat parameters stay as PyTorch initialises them. The BERT-like model's
# LayerNorms keep (1, 0): identical initializers are what makes torch.onnx.export emit the
# scope-less nodes that the `tag` tests need; its Linear biases are random anyway, and the
# LayerNormalization converter sees non-trivial parameters in the other transformers.
KEEP_FLAT_PARAMETERS = {"bert", "bert_no_grad"}


def make_nontrivial(model, flat_noise=True):
    """Re-draw weights that are all zero (e.g. ViT's zero-initialised head), seeded, so the
    output depends on the input and comparisons mean something. With flat_noise, also add
    seeded noise to 1-d parameters whose values are all equal (attention biases that start
    at zero, LayerNorm's 1 and 0), so that a converter dropping a bias or an affine term
    shows."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("weight") and p.dim() >= 2 and not p.any():
                p.normal_(0.0, 0.05)
            elif flat_noise and p.dim() == 1 and p.numel() > 1 and bool((p == p[0]).all()):
                p.add_(torch.randn_like(p) * 0.1)


def example_input(dtype, dims, value_range=(0, 9)):
    t = DTYPES[dtype]
    if t.is_floating_point:
        return torch.randn(dims).to(t)
    if t == torch.bool:
        return torch.rand(dims) > 0.5
    return torch.randint(value_range[0], value_range[1] + 1, dims, dtype=t)


def spec_string(inputs):
    """NAME:DTYPE:DIMS[:LOW..HIGH] for each input, as `modelexport export --input` takes it."""
    specs = []
    for name, dtype, dims, *value_range in inputs:
        spec = "%s:%s:%s" % (name, dtype, "x".join(str(d) for d in dims))
        if value_range:
            spec += ":%d..%d" % value_range[0]
        specs.append(spec)
    return " ".join(specs)


def build(name):
    """Model NAME as make() traces it: seeded weights, BatchNorm statistics measured on data,
    zero weights re-drawn, eval mode; with its input list and example arguments. Other
    scripts (the torch.onnx.export peer in tests) build through here to get the same weights."""
    torch.manual_seed(SEED)
    model, inputs = BUILDERS[name]()
    randomize_batchnorm(model)
    make_nontrivial(model, flat_noise=name not in KEEP_FLAT_PARAMETERS)
    calibrate_batchnorm(model, inputs)
    model.eval()
    args = tuple(example_input(dtype, dims, *value_range) for _, dtype, dims, *value_range in inputs)
    return model, inputs, args


def make(name, out_path):
    model, inputs, args = build(name)
    # Traced with autograd on, or for the *_no_grad names under torch.no_grad(), where
    # eval-mode attention and transformer layers take PyTorch's fused fast paths
    # (_native_multi_head_attention, _transformer_encoder_layer_fwd).
    # check_trace re-traces and compares graphs; it reports spurious differences in the
    # mangled class names of the decomposed attention path, so it is off.
    with torch.no_grad() if name.endswith("_no_grad") else contextlib.nullcontext():
        traced = torch.jit.trace(model, args, check_trace=False)
    tmp = out_path + ".tmp"
    try:
        torch.jit.save(traced, tmp)
        os.replace(tmp, out_path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return spec_string(inputs)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Make an example TorchScript model.")
    parser.add_argument("--list", action="store_true", help="print the available model names")
    parser.add_argument("name", nargs="?", help="model name (see --list)")
    parser.add_argument("out", nargs="?", help="output TorchScript file (.pt)")
    args = parser.parse_args(argv)

    if args.list:
        for name in BUILDERS:
            print(name)
        return 0
    if args.name is None or args.out is None:
        parser.print_usage(sys.stderr)
        print("make_model.py: error: NAME and OUT.pt are required", file=sys.stderr)
        return 2
    if args.name not in BUILDERS:
        print(
            "make_model.py: unknown model '%s' (known: %s)" % (args.name, ", ".join(BUILDERS)),
            file=sys.stderr,
        )
        return 2
    try:
        spec = make(args.name, args.out)
    except Exception as e:  # noqa: BLE001 - one clear line instead of a traceback
        print("make_model.py: failed to make '%s': %s" % (args.name, e), file=sys.stderr)
        return 1
    print(spec)
    return 0


if __name__ == "__main__":
    sys.exit(main())
