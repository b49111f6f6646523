export * from './errors.js';
export * from './transport.js';
export { NatsTransport, connectNatsTransport, type NatsTransportOptions } from './nats-transport.js';
export { InProcessTransport, type InProcessTransportOptions } from './inprocess-transport.js';
export { Group, type GroupOptions, type GroupCounters, type GroupFailure } from './group.js';
export { GradientExchange, segment, type ExchangeOptions, type ExchangeStats } from './all-reduce.js';
export { encode16, decode16, roundTrip16 } from './half-precision.js';
export { flattenInto, flatLength, unflattenViews, type NamedArray, type NamedArrays } from './named-arrays.js';
