// A Prisma generator (JSON-RPC over stdin/stderr, as @prisma/generator-helper speaks it) that writes the
// datamodel part of the DMMF to the generator's `output` path.
'use strict';
const fs = require('fs');
const readline = require('readline');

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, method, params } = JSON.parse(line);
  const reply = (result) => process.stderr.write(`${JSON.stringify({ jsonrpc: '2.0', id, result })}\n`);
  if (method === 'getManifest') return reply({ manifest: { prettyName: 'DMMF datamodel', requiresGenerators: [] } });
  if (method === 'generate') {
    fs.writeFileSync(params.generator.output.value, JSON.stringify(params.dmmf.datamodel));
    return reply(null);
  }
});
