import { createCalendar } from '../../activities/calendar';
import { CALENDAR_FIXTURE_2027 } from '../workflows/support/calendar-fixture';

const calendar = createCalendar();
const with2027 = createCalendar(CALENDAR_FIXTURE_2027);
const dates = (cal: typeof calendar, from: string, ns: number[]) => ns.map((n) => cal.shift(from, n).date);

describe('the 2026 National Day holiday (10-01..07 off; Sun 09-20 and Sat 10-10 make-up working days)', () => {
  test('when the days around it are asked about, then holidays are off and the make-up weekend days are working days', () => {
    const days = ['2026-09-19', '2026-09-20', '2026-09-25', '2026-09-30', '2026-10-01', '2026-10-07', '2026-10-08', '2026-10-10', '2026-10-11'];
    expect(days.map((d) => calendar.isWorkingDay(d))).toEqual([false, true, false, true, false, false, true, true, false]);
  });

  test('when shifting forward from the last working day before it, then the week off is skipped and Saturday 10-10 counts', () => {
    expect(dates(calendar, '2026-09-30', [0, 1, 2, 3, 4])).toEqual(['2026-09-30', '2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12']);
    expect(calendar.shift('2026-09-30', 3).provisional).toBe(false);
  });

  test('when shifting backward from after it, then the week off and the Mid-autumn days (09-25..27) are skipped and Sunday 09-20 counts', () => {
    expect(dates(calendar, '2026-10-08', [-1, -3, -4, -7, -8, -9])).toEqual(['2026-09-30', '2026-09-28', '2026-09-24', '2026-09-21', '2026-09-20', '2026-09-18']);
  });

  test('when shifting from a holiday, then counting starts at the next working day', () => {
    expect(dates(calendar, '2026-10-03', [1, -1])).toEqual(['2026-10-08', '2026-09-30']);
  });
});

describe('the 2026 Spring Festival (02-15..23 off; Sat 02-14 and Sat 02-28 make-up working days)', () => {
  test('when shifting forward from Friday 02-13, then Saturday 02-14 counts, the nine days off are skipped and Saturday 02-28 counts', () => {
    expect(dates(calendar, '2026-02-13', [1, 2, 3, 6, 7])).toEqual(['2026-02-14', '2026-02-24', '2026-02-25', '2026-02-28', '2026-03-02']);
  });

  test('when shifting backward from Tuesday 02-24, then the block is skipped back to Saturday 02-14', () => {
    expect(dates(calendar, '2026-02-24', [-1, -2])).toEqual(['2026-02-14', '2026-02-13']);
  });
});

describe('years the bundled data does not cover', () => {
  test('when a date is in 2027, then the calendar does not cover it, counts Monday to Friday, and says the answer is provisional', () => {
    expect(calendar.covers('2026-12-31')).toBe(true);
    expect(calendar.covers('2027-02-05')).toBe(false);
    // 2027-01-01 is a Friday and 2027-02-05 a Friday: only the weekend is off.
    expect(calendar.isWorkingDay('2027-01-01')).toBe(true);
    expect(calendar.shift('2027-02-05', 1)).toEqual({ date: '2027-02-08', provisional: true });
    expect(calendar.shift('2027-02-05', 0)).toEqual({ date: '2027-02-05', provisional: true });
  });

  test('when a shift from 2026 crosses into 2027, then the answer is provisional', () => {
    expect(calendar.shift('2026-12-31', 1)).toEqual({ date: '2027-01-01', provisional: true });
  });

  test('when extra calendar data covers 2027, then 2027 is covered and its holidays and make-up working days are respected', () => {
    expect(with2027.covers('2027-02-05')).toBe(true);
    expect(with2027.isWorkingDay('2027-01-01')).toBe(false);
    expect(with2027.isWorkingDay('2027-01-31')).toBe(true);
    expect(with2027.shift('2026-12-31', 1)).toEqual({ date: '2027-01-04', provisional: false });
    expect(with2027.shift('2027-02-04', 1)).toEqual({ date: '2027-02-15', provisional: false });
    expect(with2027.shift('2027-02-19', 1)).toEqual({ date: '2027-02-20', provisional: false });
    expect(with2027.shift('2027-02-01', -1)).toEqual({ date: '2027-01-31', provisional: false });
  });

  test('when extra data covers 2027, then the bundled 2026 holidays still apply', () => {
    expect(with2027.shift('2026-09-30', 1)).toEqual({ date: '2026-10-08', provisional: false });
  });
});

describe('repeated questions', () => {
  test('when the same shift is asked again after a caller changed the first answer, then the second answer is still right', () => {
    const cal = createCalendar();
    const first = cal.shift('2026-09-30', 1);
    first.date = 'changed';
    expect(cal.shift('2026-09-30', 1)).toEqual({ date: '2026-10-08', provisional: false });
  });
});
