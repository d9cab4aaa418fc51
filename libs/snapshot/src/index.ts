// Files replaced atomically, for snapshots a process reloads on restart (docs/matching.md,
// "Index snapshots"): written beside, flushed, renamed over; read back as a stream of chunks.
export * from './atomic-file';
