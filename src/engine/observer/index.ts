/**
 * The observer: exact, async reads of live kernel state (processes, namespaces, cgroups,
 * capabilities, mounts, network) and a sampler that turns them into change events.
 */
export { liveSource, rootedSource, syncSource, type FileId, type KernelSource } from './source.js';
export {
  readProcess,
  scanProcesses,
  listPids,
  commandOf,
  type ProcessInfo,
  type ReadOptions,
} from './process.js';
export {
  parseStat,
  parseStatus,
  parseCmdline,
  type CapSetsHex,
  type IdSet,
  type SeccompMode,
} from './proc-parse.js';
export { NS_LINKS, NS_TYPES, type NsLink, type NsType, type NamespaceInodes } from './ns-types.js';
export { namespaceTable, differingNamespaces, type NamespaceEntry } from './namespaces.js';
export {
  buildTree,
  subtree,
  descendants,
  annotate,
  renderTree,
  treeLines,
  processLabel,
  type TreeLine,
  type TreeNode,
  type Annotation,
  type TreeOptions,
} from './tree.js';
export {
  CAP_NAMES,
  capName,
  capBits,
  decodeCaps,
  capshDecode,
  diffCaps,
  decodeCapSets,
  parseCapMask,
  readCapLastCap,
  fullMask,
  type DecodedCaps,
  type DecodedCapSet,
  type CapSetDiff,
} from './capabilities.js';
export { parseProcCgroup, type CgroupMembership } from './cgroup-membership.js';
export type { Limit, Reading, IoLimit } from './cgroup-values.js';
export type {
  CgroupStats,
  CgroupLocation,
  MemoryStats,
  CpuStats,
  PidsStats,
  IoStats,
  FreezerStats,
  FreezerState,
} from './cgroup-stats.js';
export {
  readHierarchies,
  locateMemberships,
  locatePath,
  readCgroupStats,
  cgroupStatsOfPid,
  cgroupStatsOfPath,
} from './cgroups.js';
export { readV2Memory, readV2Cpu, readV2Pids, readV2Io, readV2Freezer } from './cgroup-v2.js';
export { readV1Memory, readV1Cpu, readV1Pids, readV1Io, readV1Freezer } from './cgroup-v1.js';
export { parseMountinfo, parseMountLine, type MountEntry, type Propagation } from './mountinfo.js';
export {
  decodeOverlay,
  diffMounts,
  readMounts,
  type OverlayLayers,
  type MountDiff,
} from './mounts.js';
export {
  readInterfaces,
  readNetnsViews,
  findVethPairs,
  parseIpAddrJson,
  type NetInterface,
  type NetnsView,
  type VethPair,
} from './network.js';
export { TypedEmitter } from './emitter.js';
export {
  Sampler,
  type SamplerEvents,
  type SamplerOptions,
  type Snapshot,
  type CgroupTarget,
} from './sampler.js';
export type { ProcessChange } from './process-diff.js';
export {
  inspectProcess,
  parsePid,
  type InspectReport,
  type InspectOptions,
} from './inspect-report.js';
export { renderReport } from './report-text.js';
export { hostReference, type HostReference } from './host.js';
