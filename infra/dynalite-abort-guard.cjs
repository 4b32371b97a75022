// Loaded before dynalite (node --require): dynalite 4.0.0 rethrows a request's 'error' event
// (index.js: req.on('error', function (err) { throw err })), so one client that drops its connection in the
// middle of a request (an SDK call interrupted on a thread being shut down) kills the whole emulator, and
// with it every other client's table. DynamoDB drops just that request; so does this.
'use strict'
process.on('uncaughtException', (err) => {
  if (err && err.code === 'ECONNRESET' && err.message === 'aborted') {
    console.error('dynalite: a client aborted a request mid-way; that request is dropped')
    return
  }
  console.error(err && err.stack ? err.stack : err)
  process.exit(1)
})
