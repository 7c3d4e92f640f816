package design

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/sim"
)

// wordByWord is the configurable protocol's fingerprint as it was written
// before its numbers were packed: a word or a flag per field, the lists
// with their lengths. The packed one must tell states apart exactly as
// finely.
func wordByWord(p *configurable, h *binding.StateHash) {
	list := func(l []pool.NBL) {
		h.Word(uint64(len(l)))
		for _, n := range l {
			h.NBL(n)
		}
	}
	h.Bool(p.running())
	h.Word(uint64(p.Needs.DataBackfill)<<32 | uint64(p.Needs.ContextBackfill))
	h.Word(uint64(p.PoolNeeds.DataBackfill)<<32 | uint64(p.PoolNeeds.ContextBackfill))
	h.NBLPool(p.NBLPool)
	h.NBPool(p.NBPool)
	h.NBLPool(p.ReceivePool)
	h.Word(uint64(p.Sends))
	list(p.Held)
	q := &p.query
	h.RequestID(q.id)
	h.Bool(q.pending)
	h.Bool(q.answered)
	h.Result(q.res)
	h.Event(p.pended)
	h.Bool(p.Pausing)
	h.Bool(p.restarting)
	h.Word(uint64(p.rebuildTries))
	h.Bool(p.bindWait)
	list(p.Copies)
	h.Bool(p.binding)
	h.Bool(p.bindQuery)
	h.Bool(p.open)
	h.Word(uint64(len(p.oids)))
	for _, id := range p.oids {
		h.RequestID(id)
	}
	h.Bool(p.CloseWait)
	h.Bool(p.Closed)
	h.NdisEvent(p.Event)
	h.Bool(p.Waiting)
	h.Bool(p.OpenDone)
	h.Word(uint64(p.OpenStatus))
	h.Bool(p.ReadPending)
}

// bound is a configurable protocol with all three pools a few moves into
// a run, and its binding, whose pools and requests give the handles and
// IDs their meaning.
func bound(t *testing.T) (*configurable, *binding.Binding) {
	cfg := DefaultConfig()
	cfg.NBPool, cfg.Receive.Keep = &NBPoolConfig{}, ReceiveCopy
	d := sim.Design{Name: "configurable", Stack: demoStack(), Changes: demoChanges(),
		New: Configurable(cfg), Workload: sim.DefaultWorkload}
	st := sim.NewStepper(d, sim.ExploreBounds{Sends: 2, Receives: 1, Edits: 1, Pends: 1})
	st.Reset()
	for range 6 {
		st.Step(firstChoice{})
	}
	p := st.Binding().Protocol().(*configurable)
	if p.NBLPool.IsNull() || p.NBPool.IsNull() || p.ReceivePool.IsNull() {
		t.Fatalf("the protocol has not made its pools: %+v", p.Pools)
	}
	return p, st.Binding()
}

type firstChoice struct{}

func (firstChoice) Choose(int) int { return 0 }

// A state's numbers at the edges of the packed lanes (16 and 8 bits) and
// past them: a packing that cut a number short would give 16 and 0x10010
// the same words.
var (
	wide32  = []uint32{0, 16, 0xffff, 0x10000, 0x10010, 1 << 31}
	wideInt = []int{0, 3, 0xff, 0x100, 0x103, -1}
	lengths = []int{0, 1, 255, 256, 2, 257}
)

// handle sets a pool handle's slot and serial: serial 0 is NULL, and a
// slot or serial the tracker does not have is stale.
func handle[H pool.NBLPool | pool.NBPool](h *H, slot, serial uint32) {
	v := reflect.ValueOf(h).Elem()
	settable(v.FieldByName("slot")).SetUint(uint64(slot))
	settable(v.FieldByName("serial")).SetUint(uint64(serial))
}

// poolMutator sets the handle f finds to NULL, the live pool live or a
// stale handle.
func poolMutator[H pool.NBLPool | pool.NBPool](f func(p *configurable) *H, live H) func(*configurable, int) {
	return func(p *configurable, i int) {
		switch i % 3 {
		case 0:
			handle(f(p), 0, 0)
		case 1:
			*f(p) = live
		default:
			handle(f(p), 3, 999)
		}
	}
}

// mutators each set one field of the state to the i-th of its values;
// every field the fingerprints read, and some they leave out (BindNeeds,
// OIDs), which neither may tell apart.
func mutators(live pool.NBL, pools designkit.Pools) []func(p *configurable, i int) {
	pick := func(vs []uint32, i int) uint32 { return vs[i%len(vs)] }
	nbls := func(i int) []pool.NBL { return make([]pool.NBL, lengths[i%len(lengths)]) }
	flag := func(f func(p *configurable) *bool) func(*configurable, int) {
		return func(p *configurable, i int) { *f(p) = i%2 == 1 }
	}
	return []func(*configurable, int){
		func(p *configurable, i int) { p.State = []fsm.State{fsm.Running, fsm.Paused}[i%2] },
		func(p *configurable, i int) { p.Needs.DataBackfill = pick(wide32, i) },
		func(p *configurable, i int) { p.Needs.ContextBackfill = pick(wide32, i) },
		func(p *configurable, i int) { p.PoolNeeds.DataBackfill = pick(wide32, i) },
		func(p *configurable, i int) { p.PoolNeeds.ContextBackfill = pick(wide32, i) },
		func(p *configurable, i int) { p.BindNeeds.DataBackfill = pick(wide32, i) },
		func(p *configurable, i int) { p.query.res.Needs.DataBackfill = pick(wide32, i) },
		func(p *configurable, i int) { p.query.res.Needs.ContextBackfill = pick(wide32, i) },
		func(p *configurable, i int) { p.query.res.Value = pick(wide32, i) },
		func(p *configurable, i int) { p.query.res.Status = oid.Status(pick(wide32, i)) },
		func(p *configurable, i int) { p.OpenStatus = binding.Status(pick(wide32, i)) },
		func(p *configurable, i int) { p.Sends = wideInt[i%len(wideInt)] },
		func(p *configurable, i int) { p.rebuildTries = wideInt[i%len(wideInt)] },
		func(p *configurable, i int) { p.OIDs = wideInt[i%len(wideInt)] },
		func(p *configurable, i int) { p.Held = nbls(i) },
		func(p *configurable, i int) { p.Copies = nbls(i) },
		func(p *configurable, i int) { p.Held = append(p.Held[:0:0], live) }, // a live NBL, not a null one
		func(p *configurable, i int) { p.oids = []uint32{0, 1, 2, 7}[:i%4] },
		func(p *configurable, i int) { p.oids = make([]uint32, lengths[i%len(lengths)]) },
		func(p *configurable, i int) { // one entry, in one list or another, with the same word
			p.Held, p.Copies, p.oids = nil, nil, nil
			switch i % 3 {
			case 0:
				p.Held = nbls(1)
			case 1:
				p.Copies = nbls(1)
			default:
				p.oids = []uint32{0}
			}
		},
		func(p *configurable, i int) { p.query.id = []uint32{0, 7, 8, p.query.id}[i%4] },
		func(p *configurable, i int) {
			p.pended = binding.PnPEvent{ID: uint32(i % 3), Kind: binding.PnPKind(i % 3)}
			if i%2 == 1 {
				p.pended.Restart.Attributes = &oid.RestartAttributes{General: &oid.RestartGeneralAttributes{DataBackFillSize: uint32(i)}}
			}
		},
		func(p *configurable, i int) { settable(reflect.ValueOf(&p.Event).Elem().Field(0)).SetBool(i%2 == 1) },
		poolMutator(func(p *configurable) *pool.NBLPool { return &p.NBLPool }, pools.NBLPool),
		poolMutator(func(p *configurable) *pool.NBPool { return &p.NBPool }, pools.NBPool),
		poolMutator(func(p *configurable) *pool.NBLPool { return &p.ReceivePool }, pools.ReceivePool),
		func(p *configurable, i int) { // one pool stale, the others NULL: the same word
			handle(&p.NBLPool, 0, 0)
			handle(&p.NBPool, 0, 0)
			handle(&p.ReceivePool, 0, 0)
			switch i % 3 {
			case 0:
				handle(&p.NBLPool, 3, 999)
			case 1:
				handle(&p.NBPool, 3, 999)
			default:
				handle(&p.ReceivePool, 3, 999)
			}
		},
		flag(func(p *configurable) *bool { return &p.query.pending }),
		flag(func(p *configurable) *bool { return &p.query.answered }),
		flag(func(p *configurable) *bool { return &p.Pausing }),
		flag(func(p *configurable) *bool { return &p.restarting }),
		flag(func(p *configurable) *bool { return &p.bindWait }),
		flag(func(p *configurable) *bool { return &p.binding }),
		flag(func(p *configurable) *bool { return &p.bindQuery }),
		flag(func(p *configurable) *bool { return &p.open }),
		flag(func(p *configurable) *bool { return &p.CloseWait }),
		flag(func(p *configurable) *bool { return &p.Closed }),
		flag(func(p *configurable) *bool { return &p.Waiting }),
		flag(func(p *configurable) *bool { return &p.OpenDone }),
		flag(func(p *configurable) *bool { return &p.ReadPending }),
	}
}

// The configurable protocol's packed fingerprint tells two states apart
// exactly when the word-by-word one does: on states drawn at random with
// numbers within the lanes (some with one past them), and on each of them
// with one field changed, often to a number at or past a lane's edge, the
// two fingerprints are equal for the same pairs.
func TestPackedFingerprintIsAsFineAsWordByWord(t *testing.T) {
	orig, b := bound(t)
	var live pool.NBL
	if len(orig.Held) > 0 {
		live = orig.Held[0]
	}
	muts := mutators(live, orig.Pools)
	rng := rand.New(rand.NewPCG(1, 2))
	sum := func(p *configurable, fp func(*configurable, *binding.StateHash)) [2]uint64 {
		var h binding.StateHash
		h.Reset(b)
		fp(p, &h)
		hi, lo := h.Sum()
		return [2]uint64{hi, lo}
	}
	packedOf := map[[2]uint64][2]uint64{} // word-by-word -> packed
	wordsOf := map[[2]uint64][2]uint64{}  // packed -> word-by-word
	states, packed := 0, 0
	for range 300 {
		base := orig.CloneProtocol().(*configurable)
		for _, i := range rng.Perm(len(muts)) { // in any order: some set the same field
			muts[i](base, rng.IntN(3)) // the numbers within the lanes
		}
		if rng.IntN(4) == 0 { // one perhaps past them, for the other fields to vary around
			muts[rng.IntN(len(muts))](base, rng.IntN(12))
		}
		for _, m := range append([]func(*configurable, int){nil}, muts...) {
			p := base.CloneProtocol().(*configurable)
			if m != nil {
				m(p, rng.IntN(12))
			}
			w, k := sum(p, wordByWord), sum(p, (*configurable).Fingerprint)
			if prev, ok := packedOf[w]; ok && prev != k {
				t.Fatalf("two states the word-by-word fingerprint merges differ packed:\n%+v", p.inFlight)
			}
			if prev, ok := wordsOf[k]; ok && prev != w {
				t.Fatalf("two states the word-by-word fingerprint tells apart are merged packed:\n%+v", p.inFlight)
			}
			packedOf[w], wordsOf[k] = k, w
			states++
			if _, fits := p.smallFields(); fits {
				packed++
			}
		}
	}
	if len(packedOf) < states/2 || packed < states/3 || states-packed < states/20 {
		t.Fatalf("%d states, %d distinct, %d with their numbers packed: too few to compare", states, len(packedOf), packed)
	}
	t.Logf("%d states, %d distinct, %d with their numbers packed", states, len(packedOf), packed)
}

// The packed words' lanes do not overlap: each number at the most its lane
// holds, and each flag changed, alone in a state, changes bits no other one
// changes, and some.
func TestPackedLanesAreDisjoint(t *testing.T) {
	set := []func(p *configurable){
		func(p *configurable) { p.Needs.DataBackfill = 0xffff },
		func(p *configurable) { p.Needs.ContextBackfill = 0xffff },
		func(p *configurable) { p.PoolNeeds.DataBackfill = 0xffff },
		func(p *configurable) { p.PoolNeeds.ContextBackfill = 0xffff },
		func(p *configurable) { p.query.res.Needs.DataBackfill = 0xffff },
		func(p *configurable) { p.query.res.Needs.ContextBackfill = 0xffff },
		func(p *configurable) { p.query.res.Value = 0xffff },
		func(p *configurable) { p.query.res.Status = 0xff },
		func(p *configurable) { p.OpenStatus = 0xff },
		func(p *configurable) { p.Sends = 0xff },
		func(p *configurable) { p.rebuildTries = 0xff },
		func(p *configurable) { p.Held = make([]pool.NBL, 0xff) },
		func(p *configurable) { p.Copies = make([]pool.NBL, 0xff) },
		func(p *configurable) { p.oids = make([]uint32, 0xff) },
		func(p *configurable) { p.State = fsm.Running },
		func(p *configurable) { handle(&p.NBLPool, 1, 1) },
		func(p *configurable) { handle(&p.NBPool, 1, 1) },
		func(p *configurable) { handle(&p.ReceivePool, 1, 1) },
	}
	for _, f := range []func(p *configurable) *bool{
		func(p *configurable) *bool { return &p.query.pending },
		func(p *configurable) *bool { return &p.query.answered },
		func(p *configurable) *bool { return &p.Pausing },
		func(p *configurable) *bool { return &p.restarting },
		func(p *configurable) *bool { return &p.bindWait },
		func(p *configurable) *bool { return &p.binding },
		func(p *configurable) *bool { return &p.bindQuery },
		func(p *configurable) *bool { return &p.open },
		func(p *configurable) *bool { return &p.CloseWait },
		func(p *configurable) *bool { return &p.Closed },
		func(p *configurable) *bool { return &p.Waiting },
		func(p *configurable) *bool { return &p.OpenDone },
		func(p *configurable) *bool { return &p.ReadPending },
	} {
		set = append(set, func(p *configurable) { *f(p) = true })
	}
	var zero configurable
	before, _ := zero.smallFields()
	var seen [3]uint64
	for i, f := range set {
		var p configurable
		f(&p)
		after, fits := p.smallFields()
		if !fits {
			t.Fatalf("field %d at its lane's most does not fit", i)
		}
		var changed uint64
		for w := range after {
			bits := after[w] ^ before[w]
			if bits&seen[w] != 0 {
				t.Errorf("field %d shares bits %#x of word %d with another", i, bits&seen[w], w)
			}
			seen[w] |= bits
			changed |= bits
		}
		if changed == 0 {
			t.Errorf("field %d changes no bit", i)
		}
	}
}
