// Validate APL documents with Amazon's apl-suggester; used by tests/test_apl_screen.py.
// Reads {"cases": [{"name", "document", "datasources"}]} on stdin and prints, for every case,
// the findings of StaticAplTemplateValidator.validate (the document) and validateDataSources
// (its datasources) as {"name", "findings": [{"path", "message", "level"}]} on stdout.
'use strict';
const { StaticAplTemplateValidator, ErrorController } = require('apl-suggester');

// The validator also reports some problems (unknown layouts, bad items) through a callback.
const reported = [];
ErrorController.getInstance().setErrorInterface({
  sendError: (error) => reported.push(error),
});

function finding(info) {
  return { path: info.path, message: info.errorMessage, level: info.level || 'WARNING' };
}

async function check(validator, item) {
  reported.length = 0;
  const findings = (await validator.validate(item.document)).map(finding);
  if (item.datasources) {
    findings.push(...(await validator.validateDataSources(item.datasources)).map(finding));
  }
  for (const error of reported) {
    findings.push({
      path: (error.placeholders && error.placeholders.path) || '',
      message: `${error.code}: ${error.description || error.message || ''}`,
      level: error.level || 'ERROR',
    });
  }
  return { name: item.name, findings };
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const validator = new StaticAplTemplateValidator();
  const results = [];
  for (const item of input.cases) results.push(await check(validator, item));
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(2);
});
