#!/usr/bin/env python3
"""Differential test of the CIYAML parser against PyYAML under the YAML 1.2 core schema.

Generates random small YAML documents from the constructs workflows use (block and flow
collections, every scalar style, comments, anchors and aliases, tags, document markers, CRLF,
a BOM, TAB separation, core-schema look-alikes), runs each through

  * PyYAML with the Core12Loader of ../shared/corpus/yaml/tools/render_expected12.py, and
  * our binary: `.build/debug/ci-runner inspect --yaml FILE`,

and reports every document where they disagree: one accepts and the other rejects, or the values
differ. A share of the documents are mutated (a character inserted or deleted, a line re-indented
or duplicated) so that invalid input is compared too.

Cases where PyYAML is known to be wrong for YAML 1.2 are not counted as disagreements:

  * a TAB as separation space after `key:` or `- ` (PyYAML's scanner rejects it) and the `!`
    non-specific tag (PyYAML resolves `! 12` as the integer 12, YAML 1.2 makes it the string
    "12"): the generator writes each such document twice, and PyYAML reads the twin that has a
    space instead of the TAB and `!!str` instead of `!`;
  * see KNOWN_PYYAML_DEVIATIONS below for the rest (input PyYAML accepts although YAML 1.2
    rejects it). Each is counted and listed separately, never silently dropped.

When node and the `yaml` npm package v2 (GitHub's parser library; Debian: node-yaml) are
installed, every disagreement is also parsed by it, and the report says which side it agrees with.

Usage:
  python3 scripts/yaml-differential.py [-n COUNT] [--seed SEED] [--binary PATH] [--save DIR]
                                       [--random] [--jobs N] [--show N]

Uses the `hypothesis` package to draw the documents when it is installed (or a seeded
`random.Random` with --random or without hypothesis). Exits 1 when there is any unexplained
disagreement or a crash of the binary.
"""

import argparse
import base64
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(os.path.dirname(ROOT), 'shared', 'corpus', 'yaml', 'tools')
NODE_YAML = '/usr/share/nodejs/yaml'

sys.dont_write_bytecode = True  # ../shared is read-only: no __pycache__ there
sys.path.insert(0, TOOLS)
import yaml  # noqa: E402
from render_expected12 import Core12Loader  # noqa: E402

try:
    import hypothesis
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - the fallback is exercised with --random
    hypothesis = None

# Where our document and PyYAML's twin differ, the generator writes a placeholder \x00N\x01 that
# finish() replaces with the N-th pair's first text for ours and its second for PyYAML.
TWIN = re.compile('\x00([0-9]+)\x01')


# MARK: Choosers: hypothesis or a seeded random generator behind one interface


class Chooser:
    def below(self, n):
        raise NotImplementedError

    def choice(self, seq):
        return seq[self.below(len(seq))]

    def chance(self, p):
        return self.below(1000) < p * 1000

    def between(self, lo, hi):
        return lo + self.below(hi - lo + 1)


class RandomChooser(Chooser):
    def __init__(self, rng):
        self.rng = rng

    def below(self, n):
        return self.rng.randrange(n) if n > 1 else 0


class HypothesisChooser(Chooser):
    def __init__(self, data):
        self.data = data

    def below(self, n):
        return self.data.draw(st.integers(0, n - 1)) if n > 1 else 0


# MARK: The generator

# Plain scalars, safe in block and flow context: core-schema values and look-alikes.
CORE_WORDS = [
    'on', 'off', 'yes', 'no', 'y', 'n', 'true', 'True', 'TRUE', 'false', 'FALSE', 'tRue', 'null', 'Null', 'NULL',
    'nUll', '~', '2_17', '0755', '0', '-0', '+0', '12', '+12', '-12', '3.10', '3.1', '1.', '.5', '-.5', '+.5', '1e3',
    '1E3', '1e-3', '1.5e+3', '1e', 'e3', '.inf', '-.inf', '+.inf', '.Inf', '.INF', '.nan', '.NaN', '.NAN', '-.nan',
    '0x1F', '0x1f', '0xg', '0o17', '0o8', '0b101', '1_000', '12:30', '1:2:3', '0.0.1', '1.2.3', 'v1', '1st', '+', '-1-',
]
WORDS = [
    'a', 'b', 'c', 'foo', 'bar', 'x_y', 'kebab-case', 'hello world', 'ubuntu-latest', 'node 20', 'a#b', 'c#',
    'a:b', 'http://x.y/z?q=1#frag', 'C:\\path', '-x', '?x', ':x', 'x?', 'x-', '${{ matrix.os }}', 'a.b.c',
    'it\'s', 'say "hi"', 'caf\u00e9', '\u65e5\u672c', '\U0001F600', 'tab\there', 'a  b', '<<', '=', 'x!y', 'x&y',
    'x*y', 'x|y', 'x>y', 'x%y', 'x@y', '50%',
]
FLOW_UNSAFE = set(',[]{}')
KEYS = ['a', 'b', 'c', 'key', 'name', 'on', 'yes', 'no', '3.10', '1', 'true', '~', 'null', 'a b', 'x#y', 'k:v', 'run',
        'with', '0755', '-k', '.inf', 'caf\u00e9']
ESCAPES = ['\\0', '\\a', '\\b', '\\t', '\\\t', '\\n', '\\v', '\\f', '\\r', '\\e', '\\ ', '\\"', '\\/', '\\\\', '\\N',
           '\\_', '\\L', '\\P', '\\x41', '\\x7f', '\\u00e9', '\\u263A', '\\U0001F600', '\\U00000041']
QUOTED_CHARS = ['a', 'b', ' ', '  ', '#', ' #', ':', ': ', ',', '[', ']', '{', '}', '-', '&', '*', '!', '|', '>',
                '%', '@', '`', '\\', '"', "'", '\t', '\u00e9', '\u2603', 'x y']
COMMENTS = ['# c', '#', '# a: b', '# - x', '#: x', '# "q', "# 'q", '# [', '# |']


class Generator:
    def __init__(self, chooser, max_depth=4):
        self.c = chooser
        self.max_depth = max_depth
        self.anchors = []
        self.anchor_count = 0
        self.features = set()
        self.twins = []

    def twin(self, ours, theirs):
        """Text that is `ours` in our document and `theirs` in PyYAML's twin."""
        self.twins.append((ours, theirs))
        return f'\x00{len(self.twins) - 1}\x01'

    # -- small pieces

    def sep(self):
        """Separation after `key:` or `- ` before same-line scalar content: usually a space."""
        if self.c.chance(0.06):
            self.features.add('tab-separation')
            return self.twin('\t', ' ')
        return self.c.choice([' ', ' ', ' ', '  '])

    def comment(self):
        if self.c.chance(0.15):
            self.features.add('comment')
            return self.c.choice([' ', '  ', self.twin('\t', ' ')]) + self.c.choice(COMMENTS)
        return ''

    def comment_lines(self, indent):
        out = ''
        while self.c.chance(0.1):
            self.features.add('comment-line')
            out += ' ' * self.c.between(0, indent + 2) + self.c.choice(COMMENTS) + '\n'
        if self.c.chance(0.05):
            out += self.c.choice(['\n', ' \n'])
        return out

    def anchor(self):
        self.anchor_count += 1
        # PyYAML allows only alphanumeric anchor names; YAML 1.2 any non-space, non-flow character.
        name = self.c.choice(['a', 'b', 'x', 'anchor', 'a-1', 'a' + self.twin('.', '_') + 'b']) + str(self.anchor_count)
        return name

    def properties(self, scalar_text=None, collection=None):
        """Optional `&anchor` and `!tag` before a node; returns (text, anchor name or None)."""
        parts = []
        name = None
        if self.c.chance(0.12):
            name = self.anchor()
            parts.append('&' + name)
            self.features.add('anchor')
        if self.c.chance(0.08):
            tag = None
            if collection == 'map':
                tag = self.c.choice(['!!map', '!<tag:yaml.org,2002:map>'])
            elif collection == 'seq':
                tag = '!!seq'
            elif scalar_text is not None:
                # PyYAML resolves `! 12` as 12; YAML 1.2 makes any `!` scalar a string.
                non_specific = self.twin('!', '!!str')
                tag = self.c.choice(['!!str', non_specific, '!!str', '!<tag:yaml.org,2002:str>'])
                if re.fullmatch(r'[-+]?[0-9]+', scalar_text):
                    tag = self.c.choice(['!!int', '!!float', '!!str', non_specific])
                elif re.fullmatch(r'0x[0-9a-fA-F]+|0o[0-7]+', scalar_text):
                    tag = self.c.choice(['!!int', '!!str', non_specific])
                elif scalar_text in ('true', 'false', 'True', 'FALSE'):
                    tag = self.c.choice(['!!bool', '!!str'])
                elif scalar_text in ('~', 'null', 'Null', ''):
                    tag = self.c.choice(['!!null', '!!str'])
                elif re.fullmatch(r'[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?', scalar_text):
                    tag = '!!float'
            if tag:
                self.features.add('tag')
                parts.append(tag)
        if self.c.chance(0.5):
            parts.reverse()
        return (' '.join(parts) + ' ' if parts else ''), name

    def register(self, name):
        if name:
            self.anchors.append(name)

    def alias(self):
        self.features.add('alias')
        if self.anchors and not self.c.chance(0.03):
            return '*' + self.c.choice(self.anchors)
        return '*' + self.c.choice(['nope', 'a1'])  # maybe unknown, maybe in progress

    # -- scalars

    def plain_word(self, flow):
        words = CORE_WORDS if self.c.chance(0.4) else WORDS
        word = self.c.choice(words)
        if flow and (set(word) & FLOW_UNSAFE):
            word = 'w'
        return word

    def plain(self, min_indent, flow, multiline=True):
        """A plain scalar; with multiline, continuation lines are indented at least `min_indent`."""
        text = self.plain_word(flow)
        shown = text
        if '\t' in text or (flow and '?' in text):
            # PyYAML cannot scan a TAB inside a plain scalar, and ends a flow plain scalar at `?`:
            # its twin reads the same string double-quoted.
            return self.twin(text, json.dumps(text)), None
        if multiline and self.c.chance(0.12):
            self.features.add('plain-multiline')
            for _ in range(self.c.between(1, 2)):
                blank = '\n' * self.c.between(0, 2) if self.c.chance(0.3) else ''
                word = self.c.choice(['more', 'x y', 'a#b', 'c:d', '12', 'true', '- not a seq', 'end.'])
                if flow and (set(word) & FLOW_UNSAFE):
                    word = 'more'
                shown += blank + '\n' + ' ' * (min_indent + self.c.between(0, 2)) + word
        return shown, text

    def single_quoted(self, min_indent, multiline=True):
        body = ''.join(self.c.choice(QUOTED_CHARS) for _ in range(self.c.between(0, 5)))
        body = body.replace("'", "''")
        if multiline and self.c.chance(0.15):
            self.features.add('single-quoted-multiline')
            rest = ''.join(self.c.choice(['a', 'b ', ' ', "''", '#']) for _ in range(self.c.between(1, 4)))
            body += self.c.choice(['', ' ', '  ']) + '\n' * self.c.between(1, 3) + ' ' * min_indent
            body += self.c.choice(['', ' ', '\t']) + rest
        self.features.add('single-quoted')
        return "'" + body + "'"

    def double_quoted(self, min_indent, multiline=True):
        pieces = []
        for _ in range(self.c.between(0, 5)):
            if self.c.chance(0.4):
                pieces.append(self.c.choice(ESCAPES))
                self.features.add('escape')
            else:
                ch = self.c.choice(QUOTED_CHARS)
                if ch == '\\':
                    ch = '\\\\'
                elif ch == '"':
                    ch = '\\"'
                pieces.append(ch)
        body = ''.join(pieces)
        if multiline and self.c.chance(0.2):
            self.features.add('double-quoted-multiline')
            escaped = self.c.chance(0.4)
            if escaped:
                self.features.add('escaped-line-break')
            body += self.c.choice(['', ' ', '  ', '\\t']) + ('\\' if escaped else '')
            body += '\n' * self.c.between(1, 3) + ' ' * min_indent + self.c.choice(['', ' ', '\t'])
            body += self.c.choice(['x', '\\ y', 'z\\n', ' w ', '#', '\\"'])
        self.features.add('double-quoted')
        return '"' + body + '"'

    def inline_scalar(self, min_indent, flow):
        """Any same-line scalar: plain, single- or double-quoted. Returns (text, plain text or None)."""
        r = self.c.below(10)
        if r < 5:
            shown, text = self.plain(min_indent, flow)
            return shown, text
        if r < 7:
            return self.single_quoted(min_indent), None
        return self.double_quoted(min_indent), None

    def block_scalar(self, parent_indent):
        """`|` or `>` header and body; the body's lines start at parent_indent + 1 or more."""
        literal = self.c.chance(0.5)
        self.features.add('literal' if literal else 'folded')
        chomp = self.c.choice(['', '', '-', '+'])
        base = max(parent_indent, 0) + self.c.between(1, 3)
        explicit = ''
        if self.c.chance(0.2):
            explicit = str(base - max(parent_indent, 0))
            self.features.add('indentation-indicator')
        header = ('|' if literal else '>') + (chomp + explicit if self.c.chance(0.5) else explicit + chomp)
        if self.c.chance(0.15):
            header += ' ' + self.c.choice(COMMENTS)
            self.features.add('block-header-comment')
        lines = []
        for _ in range(self.c.between(0, 4)):
            r = self.c.below(10)
            if r < 5:
                lines.append(' ' * base + self.c.choice(['text', 'a b', '# not a comment', 'key: v', '- x', 'x  ']))
            elif r < 7:
                lines.append(' ' * (base + self.c.between(1, 3)) + self.c.choice(['more indented', 'x', '- y']))
                self.features.add('more-indented')
            elif r < 8:
                lines.append(' ' * base + '\t' + 'tabbed')
            else:
                lines.append(' ' * self.c.between(0, base))  # empty line, maybe with spaces
        if explicit == '' and lines and lines[0].strip() and lines[0].startswith(' ' * (base + 1)):
            # Auto-detection would take the more-indented first line as the indentation: keep it.
            pass
        text = header + '\n' + ''.join(line + '\n' for line in lines)
        if self.c.chance(0.15):
            text += ' ' * self.c.between(0, max(parent_indent, 0)) + '\n'
        return text

    # -- flow collections

    def flow_gap(self, min_indent):
        """Space between flow tokens: nothing, blanks, or a line break (maybe after a comment)."""
        r = self.c.below(10)
        if r < 4:
            return ''
        if r < 8:
            return ' '
        self.features.add('flow-multiline')
        gap = ''
        if self.c.chance(0.3):
            gap += ' ' + self.c.choice(COMMENTS)
            self.features.add('flow-comment')
        return gap + '\n' + ' ' * (min_indent + self.c.between(0, 2))

    def flow_node(self, min_indent, depth):
        r = self.c.below(10)
        if r < 2 and depth < self.max_depth:
            props, name = self.properties(collection='x')
            text = props + self.flow_collection(min_indent, depth + 1)
            self.register(name)
            return text
        if r < 3:
            return self.alias()
        shown, text = self.inline_scalar(min_indent, flow=True)
        props, name = self.properties(scalar_text=text)
        self.register(name)
        return props + shown

    def flow_key(self, min_indent):
        r = self.c.below(10)
        if r < 6:
            key = self.c.choice(KEYS)
            return key if not (set(key) & FLOW_UNSAFE) else 'k', False
        if r < 9:
            self.features.add('json-like')
            return '"' + self.c.choice(KEYS).replace('"', '') + '"', True
        return "'" + self.c.choice(KEYS) + "'", True

    def flow_collection(self, min_indent, depth):
        seq = self.c.chance(0.5)
        self.features.add('flow-sequence' if seq else 'flow-mapping')
        items = []
        for _ in range(self.c.between(0, 4)):
            g = self.flow_gap(min_indent)
            if seq:
                if self.c.chance(0.15):
                    self.features.add('flow-single-pair')
                    key, quoted = self.flow_key(min_indent)
                    colon = ':' if quoted and self.c.chance(0.5) else ': '
                    items.append(g + key + colon + self.flow_node(min_indent, depth))
                else:
                    items.append(g + self.flow_node(min_indent, depth))
            else:
                key, quoted = self.flow_key(min_indent)
                if self.c.chance(0.15):
                    self.features.add('flow-key-only')
                    items.append(g + key)
                else:
                    colon = ':' if quoted and self.c.chance(0.5) else ': '
                    items.append(g + key + colon + self.flow_gap(min_indent) + self.flow_node(min_indent, depth))
        text = ('[' if seq else '{') + ','.join(items)
        if items and self.c.chance(0.15):
            text += ','
            self.features.add('flow-trailing-comma')
        text += self.flow_gap(min_indent) + (']' if seq else '}')
        return text

    # -- block collections

    def value_after_indicator(self, n, kind, depth):
        """The text after `key:` (kind 'map') or `-` (kind 'seq') in a collection at indentation n,
        through the end of the value's last line."""
        r = self.c.below(100)
        deep = depth >= self.max_depth
        if r < 40 or (deep and r < 70):
            shown, text = self.inline_scalar(n + 1, flow=False)
            props, name = self.properties(scalar_text=text)
            self.register(name)
            return self.sep() + props + shown + self.comment() + '\n'
        if r < 50 or deep:
            r2 = self.c.below(4)
            if r2 == 0:
                return self.comment() + '\n'  # empty: null
            if r2 == 1:
                return self.sep() + self.alias() + self.comment() + '\n'
            props, name = self.properties(collection='x')
            text = self.sep() + props + self.flow_collection(n + 1, depth + 1) + self.comment() + '\n'
            self.register(name)
            return text
        if r < 60:
            props, name = self.properties(scalar_text='x')
            text = self.sep() + props + self.block_scalar(n)
            self.register(name)
            return text
        if kind == 'seq' and r < 72:
            # A compact collection on the `- ` line.
            m = self.c.between(1, 2)
            if self.c.chance(0.6):
                self.features.add('compact-mapping')
                return ' ' * m + self.block_mapping(n + 1 + m, depth + 1, inline_first=True)
            self.features.add('compact-sequence')
            return ' ' * m + self.block_sequence(n + 1 + m, depth + 1, inline_first=True)
        # A block collection on the next lines.
        as_map = self.c.chance(0.55)
        props, name = self.properties(collection='map' if as_map else 'seq')
        head = ((' ' + props.rstrip()) if props else '') + self.comment() + '\n' + self.comment_lines(n)
        if as_map:
            text = head + self.block_mapping(n + self.c.between(1, 3), depth + 1)
        else:
            indentless = kind == 'map' and self.c.chance(0.5)
            if indentless:
                self.features.add('indentless-sequence')
            text = head + self.block_sequence(n if indentless else n + self.c.between(1, 3), depth + 1)
        self.register(name)
        return text

    def block_key(self):
        r = self.c.below(10)
        if r < 7:
            key = self.c.choice(KEYS)
        elif r < 9:
            key = '"' + self.c.choice(KEYS + ['a\\tb', '\\u00e9', 'q\\"']) + '"'
        else:
            key = "'" + self.c.choice(KEYS + ["it''s"]) + "'"
        if self.c.chance(0.06):
            name = self.anchor()
            self.features.add('anchored-key')
            key = '&' + name + ' ' + key
            self.anchors.append(name)
        if self.c.chance(0.03):
            key = '!!str ' + key
        return key

    def block_mapping(self, indent, depth, inline_first=False):
        self.features.add('block-mapping')
        out = ''
        for i in range(self.c.between(1, 4)):
            if not (i == 0 and inline_first):
                out += self.comment_lines(indent) + ' ' * indent
            key = self.block_key()
            out += key + self.c.choice(['', '', ' ']) + ':' + self.value_after_indicator(indent, 'map', depth)
        return out

    def block_sequence(self, indent, depth, inline_first=False):
        self.features.add('block-sequence')
        out = ''
        for i in range(self.c.between(1, 4)):
            if not (i == 0 and inline_first):
                out += self.comment_lines(indent) + ' ' * indent
            out += '-' + self.value_after_indicator(indent, 'seq', depth)
        return out

    # -- documents

    def document(self):
        prefix = self.c.choice(['', '', '', '---\n', '--- # c\n', '%YAML 1.2\n---\n', '# head\n', '\n'])
        if prefix.startswith('%'):
            self.features.add('directive')
        if '---' in prefix:
            self.features.add('document-start')
        r = self.c.below(20)
        if r < 11:
            body = self.block_mapping(0, 1)
        elif r < 15:
            body = self.block_sequence(0, 1)
        elif r < 17:
            body = self.flow_collection(0, 1) + self.comment() + '\n'
        elif r < 19:
            shown, _ = self.inline_scalar(0, flow=False)
            body = shown + '\n'
        else:
            prefix = '--- '
            body = self.block_scalar(-1)
        suffix = self.c.choice(['', '', '', '...\n', '...\n# after\n', '# end\n', '# end'])
        if r == 19 and suffix.startswith('#'):
            # After a root block scalar a line in column 1 is text (YAML 1.2), not a comment.
            suffix = '...\n' + suffix
        if suffix.startswith('...'):
            self.features.add('document-end')
        text = prefix + body + suffix
        if self.c.chance(0.1) and text.endswith('\n'):
            text = text[:-1]
            self.features.add('no-final-newline')
        return text


def mutate(chooser, text):
    """One random edit, so that invalid input is compared too."""
    if not text:
        return text
    r = chooser.below(5)
    i = chooser.below(len(text))
    if r == 0:
        return text[:i] + chooser.choice(list(' :-#\'"[]{},&*!|>?\n\t%@`\\')) + text[i:]
    if r == 1:
        return text[:i] + text[i + 1:]
    lines = text.split('\n')
    j = chooser.below(len(lines))
    if r == 2:
        lines[j] = ' ' + lines[j]
    elif r == 3:
        lines[j] = lines[j][1:] if lines[j].startswith(' ') else lines[j]
    else:
        lines.insert(j, lines[j])
    return '\n'.join(lines)


def finish(chooser, text, gen):
    """Applies mutation and line-ending/BOM variation; returns (ours, pyyaml's twin) as bytes."""
    ours = TWIN.sub(lambda m: gen.twins[int(m.group(1))][0], text)
    twin = TWIN.sub(lambda m: gen.twins[int(m.group(1))][1], text)
    if chooser.chance(0.25) and ours == twin:
        for _ in range(chooser.between(1, 3)):
            ours = mutate(chooser, ours)
        twin = ours
        gen.features.add('mutated')
    r = chooser.below(100)
    if r < 10:
        ours, twin = ours.replace('\n', '\r\n'), twin.replace('\n', '\r\n')
        gen.features.add('crlf')
    elif r < 13:
        ours, twin = ours.replace('\n', '\r'), twin.replace('\n', '\r')
        gen.features.add('cr')
    data, twin_data = ours.encode('utf-8', 'surrogatepass'), twin.encode('utf-8', 'surrogatepass')
    if chooser.chance(0.05):
        data, twin_data = b'\xef\xbb\xbf' + data, b'\xef\xbb\xbf' + twin_data
        gen.features.add('bom')
    return data, twin_data


def generate(chooser):
    gen = Generator(chooser)
    text = gen.document()
    data, twin = finish(chooser, text, gen)
    return data, twin, sorted(gen.features)


def draw_documents(count, seed, use_random):
    docs = []
    if hypothesis is not None and not use_random:
        from hypothesis import HealthCheck, Phase, given, settings

        @hypothesis.seed(seed)
        @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(st.data())
        def collect(data):
            docs.append(generate(HypothesisChooser(data)))

        collect()
    # Hypothesis draws many near-identical documents: keep one of each, and top up with the
    # seeded random generator.
    unique = {}
    for doc in docs:
        unique.setdefault(doc[0], doc)
    import random
    rng = random.Random(seed)
    while len(unique) < count:
        doc = generate(RandomChooser(rng))
        unique.setdefault(doc[0], doc)
    return list(unique.values())[:count]


# MARK: The two parsers


def run_pyyaml(data):
    try:
        return 'ok', json.dumps(yaml.load(data, Loader=Core12Loader), sort_keys=True)
    except yaml.YAMLError as error:
        return 'error', ' '.join(str(error).split())
    except (ValueError, TypeError, KeyError, RecursionError, OverflowError) as error:
        # A constructor failing on a tagged value such as `!!bool yes`: PyYAML rejects it too.
        return 'error', f'{type(error).__name__}: {error}'


def run_ours(binary, data, workdir, index):
    path = os.path.join(workdir, f'doc{index}.yml')
    with open(path, 'wb') as f:
        f.write(data)
    try:
        p = subprocess.run([binary, 'inspect', '--yaml', path], capture_output=True, timeout=20)
    except subprocess.TimeoutExpired:
        return 'crash', 'timed out after 20 s'
    finally:
        os.unlink(path)
    if p.returncode == 0:
        return 'ok', p.stdout.decode('utf-8', 'replace')
    message = p.stderr.decode('utf-8', 'replace').strip()
    first = message.splitlines()[0] if message else ''
    first = re.sub(r'^.*?doc\w+\.yml:', '', first)
    if p.returncode == 1 and first:
        return 'error', first
    return 'crash', f'exit {p.returncode}: {message[-500:]}'


NODE_SCRIPT = r"""
const YAML = require(process.argv[1]);
// Keys as the key scalar's source text (`3.10` -> "3.10", `~` -> "~"), as our rules say; toJS()
// would stringify the resolved value instead.
function convert(node, doc) {
  if (node === null || node === undefined) return null;
  if (YAML.isAlias(node)) return convert(node.resolve(doc), doc);
  if (YAML.isMap(node)) {
    const out = {};
    for (const pair of node.items) {
      const key = pair.key === null ? '' : YAML.isScalar(pair.key) ? String(pair.key.source ?? pair.key.value)
        : JSON.stringify(convert(pair.key, doc));
      out[key] = convert(pair.value, doc);
    }
    return out;
  }
  if (YAML.isSeq(node)) return node.items.map(item => convert(item, doc));
  return node.value;
}
let input = '';
process.stdin.on('data', d => input += d);
process.stdin.on('end', () => {
  const out = JSON.parse(input).map(b64 => {
    const text = Buffer.from(b64, 'base64').toString('utf8');
    try {
      const docs = YAML.parseAllDocuments(text, {uniqueKeys: true});
      if (docs.length > 1) return ['error', 'more than one document'];
      if (!docs.length) return ['ok', 'null'];
      const errors = docs[0].errors || [];
      if (errors.length) return ['error', errors.map(e => e.message.split('\n')[0]).join(' | ')];
      return ['ok', JSON.stringify(convert(docs[0].contents, docs[0]),
        (k, x) => typeof x === 'number' && !isFinite(x) ? {__float__: String(x)} : x)];
    } catch (e) { return ['error', String(e.message).split('\n')[0]]; }
  });
  process.stdout.write(JSON.stringify(out));
});
"""


def run_node_yaml(documents):
    """GitHub's parser library on each document, or None when it is not installed."""
    if not documents or not shutil.which('node') or not os.path.isdir(NODE_YAML):
        return None
    # yaml 2.1 does not take a lone CR as a line break; CRLF and CR only ever end lines, so LF is the same.
    documents = [d.replace(b'\r\n', b'\n').replace(b'\r', b'\n') for d in documents]
    payload = json.dumps([base64.b64encode(d).decode() for d in documents])
    p = subprocess.run(['node', '-e', NODE_SCRIPT, NODE_YAML], input=payload.encode(), capture_output=True)
    if p.returncode != 0:
        return None
    results = []

    def fix(x):
        if isinstance(x, dict):
            if set(x) == {'__float__'}:
                return float(x['__float__'].replace('Infinity', 'inf'))
            return {k: fix(v) for k, v in x.items()}
        if isinstance(x, list):
            return [fix(v) for v in x]
        return x

    for status, value in json.loads(p.stdout):
        if status == 'ok':
            value = json.dumps(fix(json.loads(value)), sort_keys=True)
        results.append((status, value))
    return results


def same_value(a, b):
    """JSON texts equal as values: JavaScript has no int/float split, so 1 and 1.0 are equal here."""
    try:
        return json.loads(a) == json.loads(b) or a == b
    except ValueError:
        return a == b


# MARK: Classification

# Input PyYAML accepts although YAML 1.2 rejects it: (name, our error message pattern).
KNOWN_PYYAML_DEVIATIONS = [
    # `"x"#c`, `[a]#c`: YAML 1.2 needs white space before a comment (s-separate-in-line before c-nb-comment-text).
    ('comment without a space before #', re.compile(r"a comment needs a space before '#'")),
    # `a: [1,\n2]`, `a: "x\ny"`: continuation lines of flow content in a block collection must be
    # indented more than the collection (s-flow-line-prefix(n)); PyYAML does not check.
    ('under-indented flow/quoted continuation line', re.compile(r"must be indented more than the key or '- '")),
    # `!!null null\n  more`: PyYAML's null constructor ignores the text; "null more" is no null.
    ('!!null on text that is not null', re.compile(r'the tag !!null does not fit')),
    # `- !!map` with no value: an empty node is a scalar, which !!map and !!seq do not fit (PyYAML
    # makes {} or [], yaml v2 the empty string).
    ('!!map or !!seq on an empty node', re.compile(r'the tag !!(map|seq) does not fit null')),
]
# Valid YAML that workflows do not use and that we reject on purpose (YAMLError.Code.unsupported).
OURS_UNSUPPORTED = re.compile(r'not supported in workflows|in workflows; (keys are strings|write the key out)')


# Valid YAML 1.2 that PyYAML rejects, where the generator cannot write a twin (they come from
# mutations): PyYAML gives no value to compare with, so these documents are checked against the
# yaml npm package instead when it is installed, and count as unexplained when it disagrees.
PYYAML_REJECTS_VALID = [
    # A TAB inside a plain scalar, before a comment, after a flow collection.
    ('TAB PyYAML cannot scan', re.compile(r"found (character )?'\\t'")),
    # `[x?]`, `[http://a?b]`: PyYAML (YAML 1.1) ends a plain scalar in a flow collection at `?`.
    ("'?' inside a flow plain scalar", re.compile(r"expected ',' or '[]}]', but got '\\?'")),
    # YAML 1.2 lets an anchor be defined again (an alias refers to the latest); PyYAML rejects it.
    ('anchor defined twice', re.compile(r'found duplicate anchor')),
    # Anchor names may hold any non-space character but ,[]{} in YAML 1.2 (`&a*1`, `&'x`).
    ('anchor name that is not alphanumeric', re.compile(r'while scanning an? (anchor|alias) .* expected alphabetic or numeric')),
    ('anchor name holding ` or @', re.compile(r"found character '[`@]' that cannot start any token")),
    # `{a\nb: c}`: an implicit key in a flow mapping may span lines (only single pairs in flow
    # sequences and block mapping keys are limited to one line).
    ('multi-line key in a flow mapping', re.compile(r"while parsing a flow mapping .* expected ',' or '}', but got ':'")),
    # `--- |` then text in column 1: at the root a block scalar's text may start there (YAML 1.2
    # example 9.5); PyYAML's scanner needs one space.
    ('root block scalar text in column 1', re.compile(r"expected '<document start>', but found '<scalar>'")),
    # A stream of only comments and `...` holds no document (null); PyYAML wants a node before `...`.
    ('... with no document before it', re.compile(r"expected the node content, but found '<document end>'")),
    # `%YAML" 1.2` is a reserved directive (any non-space name), which YAML 1.2 says to ignore
    # with a warning. yaml v2 rejects unknown directives too, so it cannot confirm these: the
    # leading `!` says they need no confirmation.
    ('!directive name that is not alphanumeric', re.compile(r'while scanning a directive .* expected alphabetic or numeric')),
]


def classify(ours, pyyaml):
    if ours[0] == 'crash':
        return 'crash'
    if ours[0] == 'ok' and pyyaml[0] == 'ok':
        if ours[1] == pyyaml[1]:
            return 'agree'
        if ours[1].replace('\x7f', '\\u007f') == pyyaml[1]:
            # Found by this script: CIBasics' JSON writer leaves U+007F unescaped in `.python`
            # output, where json.dumps writes \u007f. The parsed value is the same.
            return 'known JSON writer bug: U+007F not escaped'
        return 'value differs'
    if ours[0] == 'error' and pyyaml[0] == 'error':
        return 'agree'
    if ours[0] == 'ok':
        for name, pattern in PYYAML_REJECTS_VALID:
            if pattern.search(pyyaml[1]):
                if name.startswith('!'):
                    return 'known PyYAML deviation: ' + name[1:]
                return 'PyYAML rejects valid YAML: ' + name
    if ours[0] == 'error':
        if OURS_UNSUPPORTED.search(ours[1]):
            return 'unsupported by design'
        for name, pattern in KNOWN_PYYAML_DEVIATIONS:
            if pattern.search(ours[1]):
                return 'known PyYAML deviation: ' + name
        return 'only PyYAML accepts'
    return 'only ours accepts'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('-n', '--count', type=int, default=3000)
    parser.add_argument('--seed', type=int, default=12)
    parser.add_argument('--binary', default=os.path.join(ROOT, '.build', 'debug', 'ci-runner'))
    parser.add_argument('--random', action='store_true', help='use random.Random even if hypothesis is installed')
    parser.add_argument('--jobs', type=int, default=os.cpu_count() or 2)
    parser.add_argument('--save', help='write each disagreeing document into this folder')
    parser.add_argument('--show', type=int, default=40, help='print at most this many disagreements')
    parser.add_argument('--no-node', action='store_true', help='do not consult the yaml npm package')
    args = parser.parse_args()

    if not os.access(args.binary, os.X_OK):
        sys.exit(f'{args.binary} not found: run `swift build` first')
    engine = 'hypothesis ' + hypothesis.__version__ if hypothesis is not None and not args.random else 'random.Random'
    docs = draw_documents(args.count, args.seed, args.random)

    workdir_holder = tempfile.TemporaryDirectory()
    workdir = workdir_holder.name
    # Run a copy, so that a build that replaces the binary meanwhile does not disturb the run.
    binary = os.path.join(workdir, 'ci-runner')
    shutil.copy2(args.binary, binary)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        ours_results = list(pool.map(lambda item: run_ours(binary, item[1][0], workdir, item[0]), enumerate(docs)))
    pyyaml_results = [run_pyyaml(twin) for _, twin, _ in docs]

    features = {}
    findings = []
    accepted = 0
    crashes = 0
    for index, ((data, twin, feats), ours, py) in enumerate(zip(docs, ours_results, pyyaml_results)):
        kind = classify(ours, py)
        accepted += ours[0] == 'ok'
        crashes += ours[0] == 'crash'
        for feature in feats:
            features[feature] = features.get(feature, 0) + 1
        if kind != 'agree':
            findings.append((index, kind, data, twin, ours, py))

    # Settle each disagreement: known PyYAML deviations count apart; an unexplained one counts as
    # "PyYAML alone" when GitHub's parser library agrees with ours (listed for review, since PyYAML
    # is the reference), and as unexplained otherwise.
    node = None if args.no_node else run_node_yaml([f[2] for f in findings])
    counts = {'agree': len(docs) - len(findings)}
    verdicts = {}
    settled = []
    for n, (index, kind, data, twin, ours, py) in enumerate(findings):
        serious = kind in ('crash', 'value differs', 'only PyYAML accepts', 'only ours accepts')
        verdict = ''
        if node is not None:
            ny = node[n]
            if ny[0] == ours[0] and (ny[0] != 'ok' or same_value(ny[1], ours[1])):
                verdict = 'yaml v2 agrees with ours'
            elif ny[0] == py[0] and (ny[0] != 'ok' or same_value(ny[1], py[1])):
                verdict = 'yaml v2 agrees with PyYAML'
            elif not data.endswith((b'\n', b'\r')) and ours[0] == 'ok':
                # yaml 2.1 ends a block scalar at the end of input with a line break even when
                # the input has none (YAML 1.2 clips to nothing there): compare both parsers on
                # the document with a final line break instead.
                ours_nl = run_ours(binary, data + b'\n', workdir, f'{index}nl')
                node_nl = run_node_yaml([data + b'\n'])
                agree = node_nl is not None and node_nl[0][0] == ours_nl[0] == 'ok' and same_value(node_nl[0][1], ours_nl[1])
                verdict = 'yaml v2 agrees with ours' if agree else 'yaml v2 agrees with neither'
            else:
                verdict = 'yaml v2 agrees with neither'
            verdicts[verdict] = verdicts.get(verdict, 0) + 1
        if kind.startswith('PyYAML rejects valid YAML') and verdict != 'yaml v2 agrees with ours':
            # Nothing else vouches for our value here: count it and let a person look.
            serious = True
            kind += ' (not confirmed by yaml v2)'
        elif serious and kind != 'crash' and verdict == 'yaml v2 agrees with ours':
            serious = False
            kind = 'PyYAML alone, yaml v2 agrees with ours: ' + kind
        counts[kind] = counts.get(kind, 0) + 1
        settled.append((0 if serious else 1 if kind.startswith('PyYAML alone') else 2, index, kind, verdict, data, twin,
                        ours, py, node[n] if node is not None else None))

    unexplained = sum(1 for item in settled if item[0] == 0)
    if args.save:
        os.makedirs(args.save, exist_ok=True)
    # Unexplained first, then those only yaml v2 settles, then the known deviations.
    for shown, (rank, index, kind, verdict, data, twin, ours, py, ny) in enumerate(sorted(settled, key=lambda x: x[:2])):
        if args.save:
            with open(os.path.join(args.save, f'{index:05d}.yml'), 'wb') as f:
                f.write(data)
        if shown >= args.show:
            continue
        print(f'#{index} {kind}' + (f' ({verdict})' if verdict and verdict not in kind else ''))
        print(f'  input:  {data!r}')
        if twin != data:
            print(f'  PyYAML read: {twin!r}')
        print(f'  ours:   {ours[0]}: {ours[1][:300]}')
        print(f'  PyYAML: {py[0]}: {py[1][:300]}')
        if ny is not None:
            print(f'  yaml v2: {ny[0]}: {ny[1][:300]}')

    print()
    print(f'yaml differential: {len(docs)} documents ({engine}, seed {args.seed}); '
          f'ours accepted {accepted}, rejected {len(docs) - accepted - crashes}, crashed {crashes}')
    for kind in sorted(counts, key=lambda k: (k != 'agree', k)):
        print(f'  {counts[kind]:6d}  {kind}')
    print('constructs (documents containing each): ' +
          ', '.join(f'{k} {v}' for k, v in sorted(features.items())))
    if verdicts:
        print('yaml npm v2 on the disagreements: ' + ', '.join(f'{k}: {v}' for k, v in sorted(verdicts.items())))
    print(f'{unexplained} unexplained disagreements')
    workdir_holder.cleanup()
    sys.exit(1 if unexplained else 0)


if __name__ == '__main__':
    main()
