export type Log = (message: string) => void;

export const consoleLog: Log = (message) => console.error(`[stack] ${message}`);
