// The median is a pure function on wire values; its home is the protocol's summaries.
export { median } from '../../protocol/summaries'
