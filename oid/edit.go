package oid

import (
	"fmt"
	"slices"
)

// Edit is one change NDIS makes to the stack while the binding is paused: a
// filter module attached on top of the others, or one detached. The
// miniport is never edited. Exactly one of Insert and Remove is set.
type Edit struct {
	Insert *Layer
	Remove string // name of the filter to detach
}

// String is "insert vpn(64/16)" or "remove qos"; a malformed edit says what
// is wrong with it, since it can only appear in an error message.
func (e Edit) String() string {
	switch {
	case e.Insert != nil && e.Remove != "":
		return fmt.Sprintf("insert %s and remove %s", e.Insert, e.Remove)
	case e.Insert != nil:
		return "insert " + e.Insert.String()
	case e.Remove != "":
		return "remove " + e.Remove
	}
	return "empty edit"
}

// EditError reports an edit that no stack could accept: both or neither of
// Insert and Remove set, an inserted layer without a name, or one whose
// needs overflow the stack's.
type EditError struct {
	Edit   Edit
	Reason string
}

func (e *EditError) Error() string {
	return fmt.Sprintf("cannot apply %q: %s", e.Edit, e.Reason)
}

// UnknownFilterError reports the removal of a filter that is not in the
// stack. Miniport is set when Name is the miniport's, which NDIS never
// detaches from under a binding.
type UnknownFilterError struct {
	Name     string
	Stack    string // the stack's layer names, bottom to top: "nic < wfp"
	Miniport bool
}

func (e *UnknownFilterError) Error() string {
	if e.Miniport {
		return fmt.Sprintf("cannot remove %q from the stack %s: it is the miniport, and only filter modules are removed", e.Name, e.Stack)
	}
	return fmt.Sprintf("no filter named %q in the stack %s", e.Name, e.Stack)
}

// DuplicateLayerError reports the insertion of a layer whose name the stack
// already uses; findings and later edits name layers, so names are unique.
type DuplicateLayerError struct {
	Name  string
	Stack string // the stack's layer names, bottom to top
}

func (e *DuplicateLayerError) Error() string {
	return fmt.Sprintf("a layer named %q is already in the stack %s", e.Name, e.Stack)
}

// Apply makes the edit, inserting on top of the filters. On error the stack
// is unchanged, so a rejected edit in a design file costs nothing to undo.
func (s *Stack) Apply(e Edit) error {
	if err := s.Check(e); err != nil {
		return err
	}
	if e.Insert != nil {
		s.Filters = append(s.Filters, *e.Insert)
		return nil
	}
	i := s.index(e.Remove)
	s.Filters = slices.Delete(s.Filters, i, i+1)
	return nil
}

// Check returns what Apply would return, leaving the stack as it is.
func (s *Stack) Check(e Edit) error {
	switch {
	case e.Insert != nil && e.Remove != "":
		return &EditError{Edit: e, Reason: "sets both Insert and Remove; an edit does one"}
	case e.Insert != nil:
		return s.checkInsert(e)
	case e.Remove != "":
		return s.checkRemove(e.Remove)
	}
	return &EditError{Edit: e, Reason: "sets neither Insert nor Remove"}
}

func (s *Stack) checkInsert(e Edit) error {
	l := *e.Insert
	if l.Name == "" {
		return &EditError{Edit: e, Reason: "the inserted filter has no name"}
	}
	if l.Name == s.Miniport.Name || s.index(l.Name) >= 0 {
		return &DuplicateLayerError{Name: l.Name, Stack: s.names()}
	}
	if s.Needs().overflows(l) {
		return &EditError{Edit: e, Reason: "the stack's backfill would pass 4 GiB"}
	}
	return nil
}

func (s *Stack) checkRemove(name string) error {
	if s.index(name) >= 0 {
		return nil
	}
	return &UnknownFilterError{Name: name, Stack: s.names(), Miniport: name == s.Miniport.Name}
}
