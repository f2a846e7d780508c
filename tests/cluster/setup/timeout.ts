// Jest reads testTimeout from the global config only; fault tests wait on whole rounds.
jest.setTimeout(900_000);
