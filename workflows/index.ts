export { superviseRound } from './superviseRound';
export { superviseUnit } from './superviseUnit';
