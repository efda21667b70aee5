// Zod compiles object schemas with `new Function` when it can, and probes for that by trying it once — which
// a Content-Security-Policy without 'unsafe-eval' reports as a violation. The dashboard parses a few small
// scenario files: the interpreted parser is plenty. Imported before any schema is used.
import { config } from "zod";

config({ jitless: true });
