package design

import "github.com/ndissim/ndissim/binding"

// The copies of the designs built on designkit.Base whose own fields are
// values (clone_kit.go), by the file they are in. The designs with slices
// of their own, or a hook bound to themselves, are copied in
// clone_special.go.

// broken_buffers.go

func (p *mdlDataNoSize) CloneProtocol() binding.Protocol             { return cloneKit(p) }
func (p *mdlDataNoSize) CopyProtocolTo(d binding.Protocol) bool      { return copyKit(p, d) }
func (p *retreatNotReleased) CloneProtocol() binding.Protocol        { return cloneKit(p) }
func (p *retreatNotReleased) CopyProtocolTo(d binding.Protocol) bool { return copyKit(p, d) }
func (p *retreatAllocates) CloneProtocol() binding.Protocol          { return cloneKit(p) }
func (p *retreatAllocates) CopyProtocolTo(d binding.Protocol) bool   { return copyKit(p, d) }
func (p *statsAfterFree) CloneProtocol() binding.Protocol            { return cloneKit(p) }
func (p *statsAfterFree) CopyProtocolTo(d binding.Protocol) bool     { return copyKit(p, d) }

// broken_handles.go

func (p *openInWorkItem) CloneProtocol() binding.Protocol             { return cloneKit(p) }
func (p *openInWorkItem) CopyProtocolTo(d binding.Protocol) bool      { return copyKit(p, d) }
func (p *closeOnSendError) CloneProtocol() binding.Protocol           { return cloneKit(p) }
func (p *closeOnSendError) CopyProtocolTo(d binding.Protocol) bool    { return copyKit(p, d) }
func (p *filterAfterClose) CloneProtocol() binding.Protocol           { return cloneKit(p) }
func (p *filterAfterClose) CopyProtocolTo(d binding.Protocol) bool    { return copyKit(p, d) }
func (p *pauseNotSupported) CloneProtocol() binding.Protocol          { return cloneKit(p) }
func (p *pauseNotSupported) CopyProtocolTo(d binding.Protocol) bool   { return copyKit(p, d) }
func (p *staleRestart) CloneProtocol() binding.Protocol               { return cloneKit(p) }
func (p *staleRestart) CopyProtocolTo(d binding.Protocol) bool        { return copyKit(p, d) }
func (p *restartFailsOnAlloc) CloneProtocol() binding.Protocol        { return cloneKit(p) }
func (p *restartFailsOnAlloc) CopyProtocolTo(d binding.Protocol) bool { return copyKit(p, d) }
func (p *sourceHandleUnset) CloneProtocol() binding.Protocol          { return cloneKit(p) }
func (p *sourceHandleUnset) CopyProtocolTo(d binding.Protocol) bool   { return copyKit(p, d) }

// broken_irql.go

func (p *pauseFromSendComplete) CloneProtocol() binding.Protocol        { return cloneKit(p) }
func (p *pauseFromSendComplete) CopyProtocolTo(d binding.Protocol) bool { return copyKit(p, d) }
func (p *closeFromOidComplete) CloneProtocol() binding.Protocol         { return cloneKit(p) }
func (p *closeFromOidComplete) CopyProtocolTo(d binding.Protocol) bool  { return copyKit(p, d) }
func (p *waitInReceive) CloneProtocol() binding.Protocol                { return cloneKit(p) }
func (p *waitInReceive) CopyProtocolTo(d binding.Protocol) bool         { return copyKit(p, d) }
func (p *lockAcrossWait) CloneProtocol() binding.Protocol               { return cloneKit(p) }
func (p *lockAcrossWait) CopyProtocolTo(d binding.Protocol) bool        { return copyKit(p, d) }
func (p *lockHeldAtReturn) CloneProtocol() binding.Protocol             { return cloneKit(p) }
func (p *lockHeldAtReturn) CopyProtocolTo(d binding.Protocol) bool      { return copyKit(p, d) }
func (p *dprLockInWrite) CloneProtocol() binding.Protocol               { return cloneKit(p) }
func (p *dprLockInWrite) CopyProtocolTo(d binding.Protocol) bool        { return copyKit(p, d) }
func (p *releaseUnheld) CloneProtocol() binding.Protocol                { return cloneKit(p) }
func (p *releaseUnheld) CopyProtocolTo(d binding.Protocol) bool         { return copyKit(p, d) }
func (p *lockReacquired) CloneProtocol() binding.Protocol               { return cloneKit(p) }
func (p *lockReacquired) CopyProtocolTo(d binding.Protocol) bool        { return copyKit(p, d) }
func (p *returnFlagInWorkItem) CloneProtocol() binding.Protocol         { return cloneKit(p) }
func (p *returnFlagInWorkItem) CopyProtocolTo(d binding.Protocol) bool  { return copyKit(p, d) }

// broken_lifecycle.go

func (p *pauseEarly) CloneProtocol() binding.Protocol                  { return cloneKit(p) }
func (p *pauseEarly) CopyProtocolTo(d binding.Protocol) bool           { return copyKit(p, d) }
func (p *pauseNoSignal) CloneProtocol() binding.Protocol               { return cloneKit(p) }
func (p *pauseNoSignal) CopyProtocolTo(d binding.Protocol) bool        { return copyKit(p, d) }
func (p *restartOidFailure) CloneProtocol() binding.Protocol           { return cloneKit(p) }
func (p *restartOidFailure) CopyProtocolTo(d binding.Protocol) bool    { return copyKit(p, d) }
func (p *closeOidPending) CloneProtocol() binding.Protocol             { return cloneKit(p) }
func (p *closeOidPending) CopyProtocolTo(d binding.Protocol) bool      { return copyKit(p, d) }
func (p *oidBeforeOpen) CloneProtocol() binding.Protocol               { return cloneKit(p) }
func (p *oidBeforeOpen) CopyProtocolTo(d binding.Protocol) bool        { return copyKit(p, d) }
func (p *openPendingAsSuccess) CloneProtocol() binding.Protocol        { return cloneKit(p) }
func (p *openPendingAsSuccess) CopyProtocolTo(d binding.Protocol) bool { return copyKit(p, d) }
func (p *leakOnSendFailure) CloneProtocol() binding.Protocol           { return cloneKit(p) }
func (p *leakOnSendFailure) CopyProtocolTo(d binding.Protocol) bool    { return copyKit(p, d) }
func (p *poolsLeaked) CloneProtocol() binding.Protocol                 { return cloneKit(p) }
func (p *poolsLeaked) CopyProtocolTo(d binding.Protocol) bool          { return copyKit(p, d) }
func (p *closeNotWaited) CloneProtocol() binding.Protocol              { return cloneKit(p) }
func (p *closeNotWaited) CopyProtocolTo(d binding.Protocol) bool       { return copyKit(p, d) }
func (p *statsLoop) CloneProtocol() binding.Protocol                   { return cloneKit(p) }
func (p *statsLoop) CopyProtocolTo(d binding.Protocol) bool            { return copyKit(p, d) }

// broken_pools.go

func (p *unroundedBackfill) CloneProtocol() binding.Protocol        { return cloneKit(p) }
func (p *unroundedBackfill) CopyProtocolTo(d binding.Protocol) bool { return copyKit(p, d) }
func (p *rebuildInPause) CloneProtocol() binding.Protocol           { return cloneKit(p) }
func (p *rebuildInPause) CopyProtocolTo(d binding.Protocol) bool    { return copyKit(p, d) }
func (p *rebuildOnOid) CloneProtocol() binding.Protocol             { return cloneKit(p) }
func (p *rebuildOnOid) CopyProtocolTo(d binding.Protocol) bool      { return copyKit(p, d) }
func (p *poolFreedTwice) CloneProtocol() binding.Protocol           { return cloneKit(p) }
func (p *poolFreedTwice) CopyProtocolTo(d binding.Protocol) bool    { return copyKit(p, d) }
func (p *allocUnchecked) CloneProtocol() binding.Protocol           { return cloneKit(p) }
func (p *allocUnchecked) CopyProtocolTo(d binding.Protocol) bool    { return copyKit(p, d) }

// broken_sendrecv.go

func (p *sendWhilePausing) CloneProtocol() binding.Protocol         { return cloneKit(p) }
func (p *sendWhilePausing) CopyProtocolTo(d binding.Protocol) bool  { return copyKit(p, d) }
func (p *sendAfterPause) CloneProtocol() binding.Protocol           { return cloneKit(p) }
func (p *sendAfterPause) CopyProtocolTo(d binding.Protocol) bool    { return copyKit(p, d) }
func (p *heartbeat) CloneProtocol() binding.Protocol                { return cloneKit(p) }
func (p *heartbeat) CopyProtocolTo(d binding.Protocol) bool         { return copyKit(p, d) }
func (p *backfillFromBind) CloneProtocol() binding.Protocol         { return cloneKit(p) }
func (p *backfillFromBind) CopyProtocolTo(d binding.Protocol) bool  { return copyKit(p, d) }
func (p *noContextBackfill) CloneProtocol() binding.Protocol        { return cloneKit(p) }
func (p *noContextBackfill) CopyProtocolTo(d binding.Protocol) bool { return copyKit(p, d) }
func (p *keepResources) CloneProtocol() binding.Protocol            { return cloneKit(p) }
func (p *keepResources) CopyProtocolTo(d binding.Protocol) bool     { return copyKit(p, d) }
func (p *doubleReturn) CloneProtocol() binding.Protocol             { return cloneKit(p) }
func (p *doubleReturn) CopyProtocolTo(d binding.Protocol) bool      { return copyKit(p, d) }

// broken_structures.go

func (p *freeOrder) CloneProtocol() binding.Protocol               { return cloneKit(p) }
func (p *freeOrder) CopyProtocolTo(d binding.Protocol) bool        { return copyKit(p, d) }
func (p *freePreallocNB) CloneProtocol() binding.Protocol          { return cloneKit(p) }
func (p *freePreallocNB) CopyProtocolTo(d binding.Protocol) bool   { return copyKit(p, d) }
func (p *doubleFree) CloneProtocol() binding.Protocol              { return cloneKit(p) }
func (p *doubleFree) CopyProtocolTo(d binding.Protocol) bool       { return copyKit(p, d) }
func (p *advanceAfterFree) CloneProtocol() binding.Protocol        { return cloneKit(p) }
func (p *advanceAfterFree) CopyProtocolTo(d binding.Protocol) bool { return copyKit(p, d) }
func (p *freeReceived) CloneProtocol() binding.Protocol            { return cloneKit(p) }
func (p *freeReceived) CopyProtocolTo(d binding.Protocol) bool     { return copyKit(p, d) }
func (p *relinkRetry) CloneProtocol() binding.Protocol             { return cloneKit(p) }
func (p *relinkRetry) CopyProtocolTo(d binding.Protocol) bool      { return copyKit(p, d) }
func (p *nullChainOffset) CloneProtocol() binding.Protocol         { return cloneKit(p) }
func (p *nullChainOffset) CopyProtocolTo(d binding.Protocol) bool  { return copyKit(p, d) }

// legal_buffers.go

func (p *freeNBLThenNB) CloneProtocol() binding.Protocol        { return cloneKit(p) }
func (p *freeNBLThenNB) CopyProtocolTo(d binding.Protocol) bool { return copyKit(p, d) }

// legal_lifecycle.go

func (p *lazyPools) CloneProtocol() binding.Protocol                   { return cloneKit(p) }
func (p *lazyPools) CopyProtocolTo(d binding.Protocol) bool            { return copyKit(p, d) }
func (p *goodbyeSend) CloneProtocol() binding.Protocol                 { return cloneKit(p) }
func (p *goodbyeSend) CopyProtocolTo(d binding.Protocol) bool          { return copyKit(p, d) }
func (p *closeOidPendingLegal) CloneProtocol() binding.Protocol        { return cloneKit(p) }
func (p *closeOidPendingLegal) CopyProtocolTo(d binding.Protocol) bool { return copyKit(p, d) }

// ndisprot_pended.go

func (p *ndisprotPended) CloneProtocol() binding.Protocol        { return cloneKit(p) }
func (p *ndisprotPended) CopyProtocolTo(d binding.Protocol) bool { return copyKit(p, d) }
