#!/usr/bin/python3
"""Writes goluxid's opcode table from the installed Ganeti definitions.

Run by `go generate` in ganeti/opcodes (with Debian's /usr/bin/python3, the
interpreter Ganeti's packages are built for):

    /usr/bin/python3 internal/opgen/opgen.py --output-dir .

which writes opcodes-<release>.json for the installed release, e.g.
opcodes-3.1.json; for the other release, run it where that release is
installed (scripts/in-debian13.sh for Ganeti 3.1).

It reads the generated Python module ganeti/opcodes.py and the type checks
of ganeti/ht.py from the Ganeti installation (default
/usr/share/ganeti/default, the active release): the opcode classes in declaration order, each
parameter's name, default and documentation, and its type check expression,
parsed with the ast module (a check is a Python closure once imported, so
the expression is the only place its structure is visible). Constants the
checks refer to are read from the imported ganeti.constants.

Each type check becomes a small tree, {"k": kind, ...}:

    any none bool int float string true       leaves
    maybe list set object private secret       one child in "of"
    nonneg positive set_params_mods            one child in "of"
    dict                                       key and value in "of"
    tuple and or items                         children in "of"
    elem                                       "values" (sorted unless the
                                               Haskell order is known)
    length max_value                           "n"
    regex                                      "pattern"
    strict_dict                                "fields": {key: tree}
    job_dependencies                           the list of "depends"

A node that came from a named check of ht.py (ht.TNICMode) carries the name
without its "T" ("NICMode"): Ganeti's Python checks are generated from the
Haskell types of the same name, so the name tells goluxid which Haskell
decoder luxid applies. Checks that cannot be mapped become "any" with an
"unmapped" note and are listed in the "unmapped" section of the output and
on stderr.

A few facts the Python definitions lose are supplied from Ganeti's Haskell
sources (src/Ganeti/Types.hs, Query/Language.hs of 3.0.2), checked here
against the Python values so that a changed Ganeti fails loudly:

  * the constructor order of the enumerations whose values luxid sorts
    (sets and container keys), which Python lists alphabetically;
  * the values of QueryTypeOp, which Python widens to the LUXI-only kinds.
"""

import argparse
import ast
import json
import os
import sys

# Constructor order of Haskell enumerations (derived Ord): the order in
# which luxid writes a ListSet or the keys of a GenericContainer.
HASKELL_ORDER = {
    "CVErrorCode": [
        "ECLUSTERCFG", "ECLUSTERCERT", "ECLUSTERCLIENTCERT",
        "ECLUSTERFILECHECK", "ECLUSTERDANGLINGNODES", "ECLUSTERDANGLINGINST",
        "EINSTANCEBADNODE", "EINSTANCEDOWN", "EINSTANCELAYOUT",
        "EINSTANCEMISSINGDISK", "EINSTANCEFAULTYDISK", "EINSTANCEWRONGNODE",
        "EINSTANCESPLITGROUPS", "EINSTANCEPOLICY", "EINSTANCEUNSUITABLENODE",
        "EINSTANCEMISSINGCFGPARAMETER", "ENODEDRBD", "ENODEDRBDVERSION",
        "ENODEDRBDHELPER", "ENODEFILECHECK", "ENODEHOOKS", "ENODEHV",
        "ENODELVM", "ENODEN1", "ENODENET", "ENODEOS", "ENODEORPHANINSTANCE",
        "ENODEORPHANLV", "ENODERPC", "ENODESSH", "ENODEVERSION", "ENODESETUP",
        "ENODETIME", "ENODEOOBPATH", "ENODEUSERSCRIPTS",
        "ENODEFILESTORAGEPATHS", "ENODEFILESTORAGEPATHUNUSABLE",
        "ENODESHAREDFILESTORAGEPATHUNUSABLE",
        "ENODEGLUSTERSTORAGEPATHUNUSABLE", "EGROUPDIFFERENTPVSIZE", "EEXTAGS",
    ],
    "DiskTemplate": [
        "diskless", "file", "sharedfile", "plain", "blockdev", "drbd", "rbd",
        "ext", "gluster",
    ],
    "VerifyOptionalChecks": ["nplusone_mem"],
}

# Orders that differ in a later release, by Ganeti's DIR_VERSION.
HASKELL_ORDER_OF_RELEASE = {
    "3.1": {"VerifyOptionalChecks": ["nplusone_mem", "hvparam_assessment"]},
}

# Haskell's QueryTypeOp (the "what" of OpQuery) has only the item kinds
# answered through opcodes; Python's check also admits the LUXI-only ones.
HASKELL_VALUES = {
    "QueryTypeOp": ["cluster", "instance", "node", "group", "os", "export",
                    "network"],
}

# Leaf checks of ht.py and the kind each one maps to.
LEAVES = {
    "TAny": "any", "TNone": "none", "TBool": "bool", "TInt": "int",
    "TFloat": "float", "TString": "string", "TTrue": "true",
}

# Checks of ht.py defined as functions of other checks, and their kinds.
ONE_CHILD = {
    "TMaybe": "maybe", "TListOf": "list", "TSetOf": "set",
    "TObject": "object", "TPrivate": "private", "TSecret": "secret",
    "TNonNegative": "nonneg", "TPositive": "positive",
    "TSetParamsMods": "set_params_mods",
}
MANY_CHILDREN = {"TTupleOf": "tuple", "TAnd": "and", "TOr": "or"}

# Untyped container checks, mapped to containers of anything.
UNTYPED = {"TList": ("list", "any"), "TDict": ("object", "any"),
           "TTuple": ("tuple_any", None)}


class Mapper:
  """Maps ht check expressions to type trees."""

  def __init__(self, ht_tree, namespace, haskell_order):
    self.haskell_order = haskell_order  # enumeration -> constructor order
    self.aliases = {}     # name -> expression of a module-level assignment
    self.functions = {}   # name -> FunctionDef
    for node in ht_tree.body:
      if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
          isinstance(node.targets[0], ast.Name):
        self.aliases[node.targets[0].id] = node.value
      elif isinstance(node, ast.FunctionDef):
        self.functions[node.name] = node
    self.namespace = namespace
    self.unmapped = {}    # expression text -> set of places
    self.where = ""

  def evaluate(self, expr):
    """Evaluates a constant expression (constants.X, literals, sets)."""
    return eval(compile(ast.Expression(expr), "<ht>", "eval"),  # noqa: S307
                dict(self.namespace))

  def note_unmapped(self, expr):
    text = ast.unparse(expr)
    self.unmapped.setdefault(text, set()).add(self.where)
    return {"k": "any", "unmapped": text}

  @staticmethod
  def ht_name(expr):
    """The name of ht.TX or TX, else None."""
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) \
        and expr.value.id == "ht":
      return expr.attr
    if isinstance(expr, ast.Name):
      return expr.id
    return None

  def convert(self, expr):
    if isinstance(expr, ast.Call):
      return self.convert_call(expr)
    name = self.ht_name(expr)
    if name is None:
      return self.note_unmapped(expr)
    return self.convert_name(name, expr)

  def convert_name(self, name, expr):
    if name in LEAVES:
      return {"k": LEAVES[name]}
    if name in UNTYPED:
      kind, child = UNTYPED[name]
      node = {"k": kind}
      if child:
        node["of"] = [{"k": child}]
      return node
    if name in self.aliases and not isinstance(self.aliases[name], ast.Lambda):
      node = dict(self.convert(self.aliases[name]))
      node["name"] = name[1:] if name.startswith("T") else name
      return self.apply_haskell_facts(node)
    if name in self.functions:
      node = self.membership_function(self.functions[name])
      if node is not None:
        node["name"] = name[1:]
        return self.apply_haskell_facts(node)
    return self.note_unmapped(expr)

  def membership_function(self, fdef):
    """Maps `def TX(val): return val in constants.Y` to an elem node."""
    body = [s for s in fdef.body if not (isinstance(s, ast.Expr) and
                                         isinstance(s.value, ast.Constant))]
    if len(fdef.args.args) != 1 or len(body) != 1 or \
        not isinstance(body[0], ast.Return):
      return None
    test = body[0].value
    arg = fdef.args.args[0].arg
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and \
        isinstance(test.ops[0], ast.In) and \
        isinstance(test.left, ast.Name) and test.left.id == arg:
      return self.elem(test.comparators[0])
    return None

  def elem(self, expr):
    values = self.evaluate(expr)
    if isinstance(values, (set, frozenset)):
      values = sorted(values, key=lambda v: (str(type(v)), v))
    return {"k": "elem", "values": list(values)}

  def apply_haskell_facts(self, node):
    name = node.get("name")
    if node["k"] != "elem":
      return node
    if name in self.haskell_order:
      order = self.haskell_order[name]
      if sorted(order) != sorted(node["values"]):
        raise SystemExit("opgen: Haskell order of %s does not match Python's"
                         " values %r" % (name, node["values"]))
      node["values"] = list(order)
    if name in HASKELL_VALUES:
      values = HASKELL_VALUES[name]
      if not set(values) <= set(node["values"]):
        raise SystemExit("opgen: Haskell values of %s are not among Python's"
                         " values %r" % (name, node["values"]))
      node["values"] = list(values)
    return node

  def convert_call(self, call):
    # WithDesc(text)(check) and Comment(text)(check) only describe check.
    if isinstance(call.func, ast.Call):
      inner = self.ht_name(call.func.func)
      if inner in ("WithDesc", "Comment") and len(call.args) == 1:
        return self.convert(call.args[0])
      return self.note_unmapped(call)
    fname = self.ht_name(call.func)
    if isinstance(call.func, ast.Attribute) and \
        ast.unparse(call.func) == "opcodes_base.BuildJobDepCheck":
      # BuildJobDepCheck returns ht.TMaybe(ht.TListOf(<dependency>)).
      return {"k": "maybe", "of": [{
          "k": "job_dependencies",
          "relative": bool(self.evaluate(call.args[0]))}]}
    args = call.args
    if fname in ONE_CHILD and len(args) == 1:
      return {"k": ONE_CHILD[fname], "of": [self.convert(args[0])]}
    if fname in MANY_CHILDREN:
      return {"k": MANY_CHILDREN[fname], "of": [self.convert(a) for a in args]}
    if fname == "TDictOf" and len(args) == 2:
      return {"k": "dict", "of": [self.convert(args[0]),
                                  self.convert(args[1])]}
    if fname == "TItems" and len(args) == 1 and \
        isinstance(args[0], (ast.List, ast.Tuple)):
      return {"k": "items", "of": [self.convert(a) for a in args[0].elts]}
    if fname == "TElemOf" and len(args) == 1:
      return self.elem(args[0])
    if fname in ("TIsLength", "TMaxValue") and len(args) == 1:
      kind = "length" if fname == "TIsLength" else "max_value"
      return {"k": kind, "n": self.evaluate(args[0])}
    if fname == "TMaybeListOf" and len(args) == 1:
      return {"k": "maybe", "of": [{"k": "list",
                                    "of": [self.convert(args[0])]}]}
    if fname == "TRegex" and len(args) == 1:
      return self.regex(args[0]) or self.note_unmapped(call)
    if fname == "TStrictDict" and len(args) == 3:
      return self.strict_dict(args[2], require_all=self.evaluate(args[0]),
                              exclusive=self.evaluate(args[1]))
    if fname == "TObjectCheck" and len(args) == 2:
      return self.strict_dict(args[1], require_all=True, exclusive=True)
    return self.note_unmapped(call)

  def regex(self, arg):
    if isinstance(arg, ast.Call) and ast.unparse(arg.func) == "re.compile" \
        and len(arg.args) == 1:
      return {"k": "regex", "pattern": self.evaluate(arg.args[0])}
    return None

  def strict_dict(self, items, require_all, exclusive):
    if not isinstance(items, ast.Dict):
      return self.note_unmapped(items)
    fields = {}
    for key, val in zip(items.keys, items.values):
      fields[self.evaluate(key)] = self.convert(val)
    return {"k": "strict_dict", "require_all": bool(require_all),
            "exclusive": bool(exclusive), "fields": fields}


def contains_kind(node, kind):
  if node.get("k") == kind:
    return True
  children = list(node.get("of", [])) + list(node.get("fields", {}).values())
  return any(contains_kind(c, kind) for c in children)


def class_assignments(cdef):
  out = {}
  for stmt in cdef.body:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and \
        isinstance(stmt.targets[0], ast.Name):
      out[stmt.targets[0].id] = stmt.value
  return out


def convert_params(mapper, owner, exprs, runtime):
  """Maps the OP_PARAMS of one class, AST and imported value side by side."""
  if len(exprs) != len(runtime):
    raise SystemExit("opgen: %s: OP_PARAMS differ between source and module"
                     % owner)
  params = []
  for expr, (name, default, _check, doc) in zip(exprs, runtime):
    mapper.where = "%s.%s" % (owner, name)
    typ = mapper.convert(expr.elts[2])
    optional = typ["k"] == "maybe"
    param = {"name": name, "type": typ}
    if default is not None:
      param["default"] = default
    param["required"] = default is None and not optional
    if optional and default is not None:
      param["optional_with_default"] = True
    if contains_kind(typ, "secret"):
      param["secret"] = True
    param["doc"] = doc
    params.append(param)
  return params


def generate(root):
  """Returns the opcode table of the Ganeti in root, and its release."""
  root = os.path.realpath(root)
  sys.path.insert(0, root)
  from ganeti import constants, ht, opcodes, opcodes_base  # noqa: E402
  base = os.path.join(root, "ganeti")
  with open(os.path.join(base, "ht.py"), encoding="utf-8") as f:
    ht_tree = ast.parse(f.read())
  with open(os.path.join(base, "opcodes.py"), encoding="utf-8") as f:
    op_tree = ast.parse(f.read())
  namespace = {"constants": constants, "opcodes_base": opcodes_base,
               "ht": ht, "set": set, "frozenset": frozenset}
  haskell_order = dict(HASKELL_ORDER)
  haskell_order.update(HASKELL_ORDER_OF_RELEASE.get(constants.DIR_VERSION, {}))
  mapper = Mapper(ht_tree, namespace, haskell_order)

  common, ops = None, []
  for cdef in op_tree.body:
    if not isinstance(cdef, ast.ClassDef):
      continue
    cls = getattr(opcodes, cdef.name)
    attrs = class_assignments(cdef)
    exprs = attrs["OP_PARAMS"].elts if "OP_PARAMS" in attrs else []
    runtime = cls.__dict__.get("OP_PARAMS", [])
    if cdef.name == "OpCode":
      common = convert_params(mapper, cdef.name, exprs, runtime)
      continue
    if opcodes.OP_MAPPING.get(getattr(cls, "OP_ID", None)) is not cls:
      continue  # an abstract base class
    op = {"id": cls.OP_ID, "class": cdef.name,
          "dsc_field": cls.__dict__.get("OP_DSC_FIELD"),
          "params": convert_params(mapper, cdef.name, exprs, runtime)}
    mapper.where = "%s.OP_RESULT" % cdef.name
    result = attrs.get("OP_RESULT")
    op["result"] = None if result is None or \
        (isinstance(result, ast.Constant) and result.value is None) \
        else mapper.convert(result)
    ops.append(op)
  if len(ops) != len(opcodes.OP_MAPPING):
    raise SystemExit("opgen: found %d opcode classes, OP_MAPPING has %d" %
                     (len(ops), len(opcodes.OP_MAPPING)))
  unmapped = [{"check": text, "in": sorted(places)}
              for text, places in sorted(mapper.unmapped.items())]
  table = {"source": os.path.join(base, "opcodes.py"),
           "common": common, "opcodes": ops, "unmapped": unmapped}
  return table, constants.DIR_VERSION


def dump(value):
  return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_table(table, out):
  """Writes the table with one opcode parameter per line."""
  out.write("{\n")
  out.write(' "source":%s,\n' % dump(table["source"]))
  out.write(' "common":[\n')
  out.write(",\n".join("  " + dump(p) for p in table["common"]))
  out.write("\n ],\n")
  out.write(' "opcodes":[\n')
  blocks = []
  for op in table["opcodes"]:
    head = {k: v for k, v in op.items() if k != "params"}
    lines = ["  {" + dump(head)[1:-1] + ',"params":[']
    lines.append(",\n".join("   " + dump(p) for p in op["params"]))
    lines.append("  ]}")
    blocks.append("\n".join(l for l in lines if l))
  out.write(",\n".join(blocks))
  out.write("\n ],\n")
  out.write(' "unmapped":[\n')
  out.write(",\n".join("  " + dump(u) for u in table["unmapped"]))
  out.write("\n ]\n}\n")


def main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  where = parser.add_mutually_exclusive_group(required=True)
  where.add_argument("-o", "--output", help="where to write the JSON table")
  where.add_argument("--output-dir",
                     help="write the table to opcodes-<release>.json here")
  parser.add_argument("--ganeti", default="/usr/share/ganeti/default",
                      help="directory holding Ganeti's ganeti package")
  args = parser.parse_args()
  table, release = generate(args.ganeti)
  output = args.output or os.path.join(args.output_dir,
                                       "opcodes-%s.json" % release)
  tmp = output + ".tmp"
  with open(tmp, "w", encoding="utf-8") as out:
    write_table(table, out)
  os.replace(tmp, output)
  for item in table["unmapped"]:
    sys.stderr.write("opgen: unmapped check %s in %s\n" %
                     (item["check"], ", ".join(item["in"])))


if __name__ == "__main__":
  main()
