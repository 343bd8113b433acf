import { en } from 'zod/locales';
import * as z from 'zod/mini';

/**
 * The validation library every schema in Lantern is written with: zod's mini build, whose functions
 * a bundler keeps only when used (the full build brings about 450 KB into every Lambda bundle). The
 * mini build carries no messages of its own: zod's English ones are loaded here, so the error bodies
 * that default messages reach (an array where an object belongs, an unknown key) read as they
 * always have. Import `z` from this module, never from `zod/mini` directly, so the messages are
 * set whatever a process loads first.
 */
z.config(en());

export { z };
