// Drives TerminusDB's official JavaScript client against a server (the
// fake, in the tests) and prints what each call returned, as JSON, for the
// Go test to check. Arguments: base URL, admin password.
const TerminusClient = require('@terminusdb/terminusdb-client');

const [url, key] = process.argv.slice(2);

// failure keeps what a rejected call says: its status and api:error @type.
async function failure(call) {
  try {
    await call();
    return { status: 0 };
  } catch (e) {
    return { status: e.status, type: e.data && e.data['api:error'] && e.data['api:error']['@type'] };
  }
}

(async () => {
  const client = new TerminusClient.WOQLClient(url, { user: 'admin', key, organization: 'admin' });
  const out = {};
  out.info = await client.connect();
  out.create = await client.createDatabase('jsdb', { label: 'Ontology', comment: 'made by the JS client', schema: true });
  out.createAgain = await failure(() => client.createDatabase('jsdb', { label: 'Ontology', schema: true }));
  out.exists = await client.hasDatabase('admin', 'jsdb');
  out.added = await client.addDocument([{ '@type': 'Class', '@id': 'Person', name: 'xsd:string' }], { graph_type: 'schema' }, 'jsdb', 'add Person');
  out.addedAgain = await failure(() => client.addDocument({ '@type': 'Class', '@id': 'Person' }, { graph_type: 'schema' }, 'jsdb', 'add Person again'));
  out.updated = await client.updateDocument({ '@type': 'Class', '@id': 'Person', name: 'xsd:string', age: 'xsd:integer' }, { graph_type: 'schema' }, 'jsdb', 'Person gets an age');
  out.replaced = await client.addDocument(
    [{ '@type': '@context', '@base': 'terminusdb:///data/', '@schema': 'terminusdb:///schema#' },
      { '@type': 'Class', '@id': 'Person', name: 'xsd:string', age: 'xsd:integer' },
      { '@type': 'Enum', '@id': 'Role', '@value': ['admin', 'user'] }],
    { graph_type: 'schema', full_replace: true }, 'jsdb', 'replace the schema');
  out.schema = await client.getSchema('jsdb');
  out.person = await client.getDocument({ graph_type: 'schema', id: 'Person' }, 'jsdb');
  out.deleted = await client.deleteDatabase('jsdb', 'admin');
  out.existsAfter = await client.hasDatabase('admin', 'jsdb');
  out.deleteAgain = await failure(() => client.deleteDatabase('jsdb', 'admin'));
  const wrong = new TerminusClient.WOQLClient(url, { user: 'admin', key: 'wrong', organization: 'admin' });
  out.wrongPassword = await failure(() => wrong.connect());
  console.log(JSON.stringify(out));
})().catch((e) => {
  console.error(e.message, e.status, JSON.stringify(e.data));
  process.exit(1);
});
