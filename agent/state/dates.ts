/** Calendar arithmetic on epoch days for the state engine: shared with the twin (twin/dates.ts). */
export { addDays, civilFromDays, dayOfWeek, daysFromCivil, epochDay, isoDate } from '../../twin/dates.ts';
