import { consoleLog } from './stack/log';
import { applyMigrations } from './stack/migrate';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}
applyMigrations(url, consoleLog).catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
