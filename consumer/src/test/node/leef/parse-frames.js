// Reads one syslog frame per line on stdin, writes nsyslog-parser's reading of each as one JSON
// object per line on stdout. Used by NsyslogParserLeefIT; nothing here interprets LEEF itself.
'use strict';
const parse = require('nsyslog-parser');
const readline = require('readline');

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (frame) => {
  const parsed = parse(frame);
  process.stdout.write(JSON.stringify({
    type: parsed.type,
    host: parsed.host,
    appName: parsed.appName,
    messageid: parsed.messageid,
    leef: parsed.leef,
    // [key, value] pairs in the order the parser produced them, so that a repeated or added key shows
    fields: Object.entries(parsed.fields || {}),
  }) + '\n');
});
