// Jest reads testTimeout from the global config only, so a project's own value needs this.
jest.setTimeout(120_000);
