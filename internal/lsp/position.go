package lsp

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// Positions travel in the encoding client and server negotiated: UTF-16
// code units by default (the LSP's historical choice), or UTF-8 bytes or
// UTF-32 code points. go vet reports 1-based byte columns and byte offsets,
// so every conversion goes through the document's text.

// lineStart returns the byte offset at which the zero-based line starts,
// or the text's length if it has fewer lines.
func lineStart(text []byte, line uint32) int {
	off := 0
	for i := uint32(0); i < line; i++ {
		nl := bytes.IndexByte(text[off:], '\n')
		if nl < 0 {
			return len(text)
		}
		off += nl + 1
	}
	return off
}

// lineEnd returns the offset of the end of the line starting at start,
// before its newline.
func lineEnd(text []byte, start int) int {
	if nl := bytes.IndexByte(text[start:], '\n'); nl >= 0 {
		return start + nl
	}
	return len(text)
}

// units returns the length of s in enc's code units.
func units(s []byte, enc string) int {
	switch enc {
	case encUTF8:
		return len(s)
	case encUTF32:
		return utf8.RuneCount(s)
	}
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		s = s[size:]
		if r >= 0x10000 {
			n += 2 // a surrogate pair
		} else {
			n++
		}
	}
	return n
}

// offsetPosition returns the position of a byte offset of text. An offset
// beyond the text clamps to its end.
func offsetPosition(text []byte, offset int, enc string) Position {
	offset = max(0, min(offset, len(text)))
	line := bytes.Count(text[:offset], []byte("\n"))
	start := bytes.LastIndexByte(text[:offset], '\n') + 1
	return Position{Line: uint32(line), Character: uint32(units(text[start:offset], enc))}
}

// lineColOffset returns the byte offset of a 1-based line and byte column,
// as go vet prints them, clamped to the line.
func lineColOffset(text []byte, line, col int) int {
	if line < 1 {
		return 0
	}
	start := lineStart(text, uint32(line-1))
	return min(start+max(col-1, 0), lineEnd(text, start))
}

// positionOffset returns the byte offset of an LSP position. A character
// past the end of its line means the end of the line, as the LSP says; a
// character inside a multi-unit rune is an error.
func positionOffset(text []byte, p Position, enc string) (int, error) {
	start := lineStart(text, p.Line)
	end := lineEnd(text, start)
	off, n := start, uint32(0)
	for off < end && n < p.Character {
		r, size := utf8.DecodeRune(text[off:end])
		switch enc {
		case encUTF8:
			n += uint32(size)
		case encUTF32:
			n++
		default:
			n++
			if r >= 0x10000 {
				n++
			}
		}
		off += size
	}
	if n > p.Character {
		return 0, fmt.Errorf("position %d:%d is inside a character", p.Line, p.Character)
	}
	return off, nil
}

// applyChanges applies a didChange's changes in order and returns the new
// text in a new slice (snapshots of the old text stay valid).
func applyChanges(text []byte, changes []ContentChange, enc string) ([]byte, error) {
	for _, c := range changes {
		if c.Range == nil {
			text = []byte(c.Text)
			continue
		}
		start, err := positionOffset(text, c.Range.Start, enc)
		if err != nil {
			return nil, err
		}
		end, err := positionOffset(text, c.Range.End, enc)
		if err != nil {
			return nil, err
		}
		if end < start {
			return nil, fmt.Errorf("change range ends before it starts")
		}
		next := make([]byte, 0, len(text)-(end-start)+len(c.Text))
		next = append(next, text[:start]...)
		next = append(next, c.Text...)
		text = append(next, text[end:]...)
	}
	return text, nil
}

// chooseEncoding picks the encoding a server announces from those the
// client offers: UTF-8 if offered, since it needs no conversion, else
// UTF-16, which every client supports.
func chooseEncoding(offered []string) string {
	for _, e := range offered {
		if e == encUTF8 {
			return encUTF8
		}
	}
	return encUTF16
}
