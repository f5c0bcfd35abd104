export type SignalName = 'metrics' | 'traces';
export type BodyFormat = 'protobuf' | 'json';
