"""Reading a scenario file that may come from someone else: YAML with limits, and no silent surprises.

- duplicate keys in a mapping, at any depth, are an error (YAML would keep the last silently);
- anchors and aliases may not expand the document beyond ``MAX_NODES`` nodes (a "billion laughs" file of a
  few hundred bytes would otherwise grow to gigabytes), nor nest deeper than ``MAX_DEPTH``;
- numbers in exponent form (``6e4``) are numbers, as YAML 1.2 reads them;
- files larger than ``MAX_BYTES`` are refused, and a file that is not UTF-8 gets a hint (GBK is common).
"""

import re
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 5_000_000
MAX_NODES = 1_000_000
MAX_DEPTH = 60


class Refused(yaml.YAMLError):
    """A document placeplan will not read: ``problem`` says why, ``problem_mark`` where."""

    def __init__(self, problem: str, mark: Any = None) -> None:
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys, too deep nesting and documents that expand too far."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise Refused(f"nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> Any:
        node = super().compose_document()
        sizes: dict[int, int] = {}

        def size(item: Any) -> int:
            if id(item) not in sizes:
                children = item.value if isinstance(item, yaml.SequenceNode) else []
                if isinstance(item, yaml.MappingNode):
                    children = [part for pair in item.value for part in pair]
                sizes[id(item)] = 1 + sum(size(child) for child in children)
            return sizes[id(item)]

        if node is not None and size(node) > MAX_NODES:
            raise Refused(f"its anchors and aliases expand to more than {MAX_NODES:,} values", node.start_mark)
        return node

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, list | dict):
                continue  # unhashable: SafeLoader says so itself
            if key in seen:
                line = seen[key].start_mark.line + 1
                problem = f"key {key!r} appears twice in one mapping (first on line {line}); keep one"
                raise Refused(problem, key_node.start_mark)
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


_Loader.add_implicit_resolver(  # YAML 1.2 numbers: 6e4 and 1.5E3 are numbers, as a planner means them (YAML 1.1,
    "tag:yaml.org,2002:float",  # which PyYAML reads, wants 6.0e+4 and would read 6e4 as text)
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def text_of(path: Path) -> str:
    """The file as UTF-8 text; ``UnicodeError`` says where it is not UTF-8 and what it may be."""
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise Refused(f"{len(data):,} bytes; a scenario file may have at most {MAX_BYTES:,}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        try:
            data.decode("gb18030")
            hint = "it looks like GBK/GB18030 (Chinese Windows): save it as UTF-8"
        except UnicodeDecodeError:
            hint = "save it as UTF-8"
        raise Refused(f"not UTF-8 text (byte 0x{data[error.start]:02x} on line {line}); {hint}") from None


def load(text: str) -> Any:
    """The YAML document in ``text``, read by the limited loader."""
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
