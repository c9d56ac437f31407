// The server fixture (CommCareServer, CommCareDatabase, CommCareFixture) lives in Viaduct.Testing, shared with other test projects.
global using Viaduct.Testing;
