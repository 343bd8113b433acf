import { DefaultRateLimiter } from '@smithy/core/retry';
DefaultRateLimiter.prototype.getSendToken = async () => {};
console.log('DIAGNOSTIC: client-side rate limiter of the adaptive mode disabled');
await import('./run.ts');
