package binding

import (
	"strings"

	"github.com/ndissim/ndissim/pool"
)

func (b *Binding) outstandingObjects() []string {
	var out []string
	for _, nbl := range b.inFlight {
		out = append(out, nbl.String()+" (sent)")
	}
	for _, nbl := range b.held {
		out = append(out, nbl.String()+" (received)")
	}
	for _, r := range b.oids {
		out = append(out, r.String())
	}
	return out
}

func joinObjects(objs []string) string {
	if len(objs) == 0 {
		return "none"
	}
	return strings.Join(objs, ", ")
}

func joinNBLs(nbls []pool.NBL) string {
	s := make([]string, len(nbls))
	for i, n := range nbls {
		s[i] = n.String()
	}
	return strings.Join(s, ", ")
}

func flagText(f ReceiveFlags) string {
	if f&ReceiveResources != 0 {
		return " NDIS_RECEIVE_FLAGS_RESOURCES"
	}
	return ""
}

func indexOf(list []pool.NBL, nbl pool.NBL) int {
	for i, x := range list {
		if x == nbl {
			return i
		}
	}
	return -1
}
