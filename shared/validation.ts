import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * The validation library every schema in Lantern is written with: zod's mini build, whose functions
 * a bundler keeps only when used (the full build brings about 450 KB into every Lambda bundle).
 * Import it as `import * as z from '…/validation.ts'` (a namespace whose members are looked up
 * statically, so unused ones are shaken off; never re-export `z` as a value, which keeps them all).
 * The mini build carries no messages of its own: zod's English ones are loaded here, so the error
 * bodies that default messages reach (an array where an object belongs, an unknown key) read as
 * they always have, whatever module a process loads first. `jitless`: zod would otherwise probe for
 * `eval` and compile a parser per object schema on its first parse, which a cold start pays for
 * (every handler parses its configuration at import) and a handler that parses a few small bodies
 * per invocation never earns back.
 */
config({ ...en(), jitless: true });

export * from 'zod/mini';
