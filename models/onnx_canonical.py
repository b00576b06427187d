"""Rewrite a tf2onnx-produced ONNX model into a canonical, byte-deterministic form.

Runs inside the conversion venv (needs the ``onnx`` package only).

Why: tf2onnx 1.16.1 is not byte-deterministic.  Converting the same tfjs
graph twice gives models that compute the same thing but differ in
(a) counter suffixes of generated names (``__123``), (b) which TF name
survives when duplicate constants/nodes are merged, (c) the order of
independent nodes and of initializers, (d) generated symbolic dimension
names (``unk__45``), (e) explicitly-empty vs unset proto fields and (f) the
doc string, which embeds the source path.

Canonical form: initializers are named after a digest of their content,
nodes are re-sorted with a Kahn topological sort keyed only on
(op type, canonical input names, attributes), every intermediate tensor and
node is then named after its position in that order, symbolic dims are
renamed by first appearance, and the doc string is fixed.  Graph input and
output names are kept (the runtime addresses outputs by name).  The result
serialises to the same bytes on every run (checked with
``build.py --check-determinism``), so a plain SHA-256 of the file is the
digest recorded in manifest.json.
"""

from __future__ import annotations

import hashlib
import heapq
import re

import onnx

GENERATED = re.compile(r"__\d+")
FORMAT_VERSION = "canonical-v1"


def _is_generated(name: str) -> bool:
    return bool(GENERATED.search(name))


def _base(name: str) -> str:
    return GENERATED.sub("", name)


def _tensor_digest(t: onnx.TensorProto) -> str:
    c = onnx.TensorProto()
    c.CopyFrom(t)
    c.name = ""
    return hashlib.sha256(c.SerializeToString(deterministic=True)).hexdigest()[:12]


def canonicalize(model: onnx.ModelProto, doc: str) -> onnx.ModelProto:
    """Return a canonical copy of ``model`` (see module docstring).

    Raises ValueError for graphs with subgraphs (If/Loop), which this simple
    canonicalizer does not handle; none of the pinned models has them.
    """
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    for node in g.node:
        for attr in node.attribute:
            if attr.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS):
                raise ValueError(f"subgraph in node {node.name}: not supported")

    keep = {v.name for v in g.input} | {v.name for v in g.output}
    rename: dict[str, str] = {}

    # 1. Initializers are named after their content; identical constants merge.
    inits: dict[str, onnx.TensorProto] = {}
    for t in g.initializer:
        new = t.name if t.name in keep else f"const_{_tensor_digest(t)}"
        rename[t.name] = new
        if new not in inits:
            t2 = onnx.TensorProto()
            t2.CopyFrom(t)
            t2.name = new
            inits[new] = t2

    # 2. Deterministic topological order (Kahn, keyed on op, canonical inputs
    #    and attributes only -- never on tf2onnx's names), then every
    #    intermediate tensor/node is named after its position in that order.
    nodes = list(g.node)
    pending = [0] * len(nodes)
    consumers: dict[str, list[int]] = {}
    produced = {o for n in nodes for o in n.output if o}
    for i, n in enumerate(nodes):
        for x in set(n.input):
            if x and x in produced:
                pending[i] += 1
                consumers.setdefault(x, []).append(i)

    def cname(x: str) -> str:
        return rename.get(x, x)

    def key(i: int) -> tuple:
        n = nodes[i]
        attrs = b"".join(a.SerializeToString(deterministic=True) for a in n.attribute)
        return (n.op_type, tuple(cname(x) for x in n.input),
                hashlib.sha256(attrs).hexdigest(), i)

    heap = [key(i) for i in range(len(nodes)) if pending[i] == 0]
    heapq.heapify(heap)
    ordered: list[onnx.NodeProto] = []
    while heap:
        *_, i = heapq.heappop(heap)
        n = nodes[i]
        k = len(ordered)
        for j, o in enumerate(n.output):
            if o and o not in keep:
                rename[o] = f"t{k}_{j}"
        new = onnx.NodeProto()
        new.CopyFrom(n)
        new.name = f"{n.op_type}_{k}"
        new.ClearField("doc_string")
        if not new.domain:  # "" set explicitly vs. unset serialise differently
            new.ClearField("domain")
        new.input[:] = [cname(x) for x in n.input]
        new.output[:] = [cname(x) for x in n.output]
        ordered.append(new)
        for o in dict.fromkeys(n.output):
            for c in consumers.get(o, []):
                pending[c] -= 1
                if pending[c] == 0:
                    heapq.heappush(heap, key(c))
    if len(ordered) != len(nodes):
        raise ValueError("graph has a cycle or dangling inputs")

    del g.node[:]
    g.node.extend(ordered)
    del g.initializer[:]
    g.initializer.extend(inits[k] for k in sorted(inits))
    vis = []
    for v in g.value_info:
        if v.name in rename:
            v.name = rename[v.name]
            vis.append(v)
    vis.sort(key=lambda v: v.name)
    del g.value_info[:]
    g.value_info.extend(vis)

    # 3. Generated symbolic dims (``unk__12``) renamed by first appearance.
    dims: dict[str, str] = {}
    for v in list(g.input) + list(g.output) + list(g.value_info):
        if not v.type.HasField("tensor_type"):
            continue
        for d in v.type.tensor_type.shape.dim:
            if d.dim_param and _is_generated(d.dim_param):
                dims.setdefault(d.dim_param, f"{_base(d.dim_param)}_d{len(dims)}")
                d.dim_param = dims[d.dim_param]

    g.doc_string = doc
    m.doc_string = ""
    return m


def serialize(model: onnx.ModelProto) -> bytes:
    """Deterministic protobuf serialisation (map fields sorted)."""
    return model.SerializeToString(deterministic=True)
