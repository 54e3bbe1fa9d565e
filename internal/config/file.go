package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hubctl/hubctl/internal/atomicfile"
	"go.yaml.in/yaml/v3"
)

// SetInFile sets the key to value in the YAML config file at path, which
// it creates, with its directory, when missing. Everything else in the file
// stays as it was: other settings, comments, blank lines, and the comment
// on the line it changes. The value must have passed k.Check.
//
// The file is replaced atomically: a new file with mode 0600 is written
// next to it and renamed over it, so that a reader never sees half a file
// and a token never sits in a file others can read. A directory it creates
// gets mode 0700. When path is a symbolic link, the file it points to is
// replaced and the link kept. A path that is not a regular file, such as
// a device, is refused. Errors are *Error.
func SetInFile(path string, k Key, value string) error {
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		path = resolved
	}

	// The file is replaced whole, so it must be a file: a device or a FIFO
	// in its place is refused, never read or replaced.
	old, err := atomicfile.ReadRegular(path, maxConfigSize)
	switch {
	case errors.Is(err, atomicfile.ErrIrregular):
		return errorf("config file %s: not a regular file of at most %d KiB; name another with --config", path, maxConfigSize>>10)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return errorf("config file %s: %w", path, unwrapPath(err))
	}

	text, err := setKey(old, k, value)
	if err != nil {
		return errorf("config file %s: %w", path, err)
	}

	if err := atomicfile.WritePrivate(path, text); err != nil {
		return errorf("writing config file %s: %w", path, unwrapPath(err))
	}
	return nil
}

// setKey returns the YAML document doc with the key set to value.
func setKey(doc []byte, k Key, value string) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, fmt.Errorf("%s; fix it by hand first", oneLine(err.Error()))
	}
	if err := singleDocument(doc); err != nil {
		return nil, err
	}

	scalar := newScalar(k, value)
	if root.Kind == 0 {
		// Empty, or only comments: nothing to edit, everything to keep.
		return appendKey(doc, k.Name, scalar)
	}

	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, errors.New("not a mapping of settings; fix it by hand first")
	}

	// Keys are read whatever their case, so the one to change may be
	// spelt Timeout; two spellings of one key leave no way to tell which
	// one counts.
	found := -1
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !strings.EqualFold(m.Content[i].Value, k.Name) {
			continue
		}
		if found >= 0 {
			return nil, fmt.Errorf("%s appears more than once (%s, %s); fix it by hand first",
				k.Name, m.Content[found].Value, m.Content[i].Value)
		}
		found = i
	}
	if i := found; i >= 0 {
		if anchor := m.Content[i+1].Anchor; anchor != "" {
			return nil, fmt.Errorf("the value of %s is the anchor &%s, which others may refer to; fix it by hand first",
				k.Name, anchor)
		}
		if out, ok := replaceInPlace(doc, m.Content[i+1], scalar); ok {
			return out, nil
		}

		// A value over several lines or in flow style: rewrite the
		// document from its tree, which keeps the comments but not the
		// blank lines.
		scalar.HeadComment = m.Content[i+1].HeadComment
		scalar.LineComment = m.Content[i+1].LineComment
		m.Content[i+1] = scalar
		return encode(&root)
	}

	if m.Style&yaml.FlowStyle != 0 {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k.Name}, scalar)
		return encode(&root)
	}
	return appendKey(doc, k.Name, scalar)
}

// newScalar returns the YAML node of a setting's value, tagged so that the
// file reads back as the kind of the key: "0" stays a string for a
// duration, a boolean is spelt true or false, and a number is written in
// its plain decimal form.
func newScalar(k Key, value string) *yaml.Node {
	tag := "!!str"
	switch k.Kind {
	case Bool:
		b, _ := strconv.ParseBool(value)
		value, tag = strconv.FormatBool(b), "!!bool"
	case Int:
		// Written in its plain decimal form: YAML reads 01024 as octal,
		// and 09 not at all.
		tag = "!!int"
		if n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64); err == nil {
			value, tag = strconv.FormatInt(n, 10), "" // plain, it reads back as itself
		}
	case Float:
		tag = "!!float"
		if f, err := strconv.ParseFloat(strings.TrimSpace(value), 64); err == nil {
			value, tag = strconv.FormatFloat(f, 'f', -1, 64), ""
		}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}

// replaceInPlace rewrites the one line that holds the scalar old, when old
// is a plain or quoted scalar on a single line whose text it can find
// where the parser saw it. It keeps the line's indentation and comment.
func replaceInPlace(doc []byte, old, scalar *yaml.Node) ([]byte, bool) {
	if old.Kind != yaml.ScalarNode || old.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return nil, false
	}

	lines := bytes.SplitAfter(doc, []byte("\n"))
	if old.Line < 1 || old.Line > len(lines) {
		return nil, false
	}
	line := string(lines[old.Line-1])
	start := old.Column - 1
	if start < 0 || start > len(line) {
		return nil, false
	}

	// What follows the old text must be the end of the line, or a
	// comment after white space.
	// An empty value ("key:") has no text to replace; the parser places
	// it right after the colon, where a new one would need a space.
	oldText, err := encodeScalar(old)
	if err != nil || old.Value == "" && old.Tag == "!!null" || !strings.HasPrefix(line[start:], oldText) {
		return nil, false
	}
	rest := line[start+len(oldText):]
	if end := strings.TrimSpace(rest); end != "" && !(strings.HasPrefix(end, "#") && (rest[0] == ' ' || rest[0] == '\t')) {
		return nil, false
	}

	newText, err := encodeScalar(scalar)
	if err != nil {
		return nil, false
	}
	lines[old.Line-1] = []byte(line[:start] + newText + rest)
	return bytes.Join(lines, nil), true
}

// encodeScalar returns the text of a scalar node as the encoder writes it:
// plain when that reads back the same, quoted otherwise.
func encodeScalar(n *yaml.Node) (string, error) {
	plain := *n
	plain.HeadComment, plain.LineComment, plain.FootComment = "", "", ""
	out, err := yaml.Marshal(&plain)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(string(out), "\n"), nil
}

// appendKey adds "name: value" as a new last line of doc.
func appendKey(doc []byte, name string, scalar *yaml.Node) ([]byte, error) {
	text, err := encodeScalar(scalar)
	if err != nil {
		return nil, err
	}

	out := bytes.Clone(doc)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	return append(out, name+": "+text+"\n"...), nil
}

func encode(root *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
