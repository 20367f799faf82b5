/** Builders for Apple Health export.xml text, shaped like a real export (prolog, DOCTYPE, one element a line). */
export const EXPORT_HEAD = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|VisionPrescription)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
]>
<HealthData locale="en_US">
 <ExportDate value="2024-02-01 08:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1990-01-01" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale" HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet"/>
`;
export const EXPORT_TAIL = '</HealthData>\n';

export function exportXml(body: string[]): string {
  return EXPORT_HEAD + body.join('') + EXPORT_TAIL;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

export function record(a: { type: string; start: string; end?: string; value: string | number; unit?: string; source?: string }): string {
  const unit = a.unit === undefined ? '' : ` unit="${a.unit}"`;
  return ` <Record type="${a.type}" sourceName="${esc(a.source ?? "Ada's Apple Watch")}" sourceVersion="10.2" device="&lt;&lt;HKDevice: 0x283f3b020&gt;, name:Apple Watch&gt;"${unit} creationDate="${a.end ?? a.start}" startDate="${a.start}" endDate="${a.end ?? a.start}" value="${a.value}"/>\n`;
}

export const restingHr = (start: string, value: number, source?: string) =>
  record({ type: 'HKQuantityTypeIdentifierRestingHeartRate', start, value, unit: 'count/min', ...(source ? { source } : {}) });
export const sdnn = (start: string, value: number) => record({ type: 'HKQuantityTypeIdentifierHeartRateVariabilitySDNN', start, value, unit: 'ms' });
export const heartRate = (start: string, value: number) => record({ type: 'HKQuantityTypeIdentifierHeartRate', start, value, unit: 'count/min' });
export const sleep = (start: string, end: string, stage: string, source?: string) =>
  record({ type: 'HKCategoryTypeIdentifierSleepAnalysis', start, end, value: `HKCategoryValueSleepAnalysis${stage}`, ...(source ? { source } : {}) });

export function workout(a: {
  type: string;
  start: string;
  end: string;
  minutes: number;
  avgHr?: number;
  maxHr?: number;
  distanceKm?: number;
  totalDistance?: [number, string];
  source?: string;
}): string {
  const total = a.totalDistance ? ` totalDistance="${a.totalDistance[0]}" totalDistanceUnit="${a.totalDistance[1]}"` : '';
  const lines = [
    ` <Workout workoutActivityType="HKWorkoutActivityType${a.type}" duration="${a.minutes}" durationUnit="min"${total} sourceName="${a.source ?? 'Workout'}" sourceVersion="10.2" creationDate="${a.end}" startDate="${a.start}" endDate="${a.end}">`,
    `  <MetadataEntry key="HKIndoorWorkout" value="0"/>`,
    `  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="${a.start}" duration="5" durationUnit="min"/>`,
  ];
  if (a.avgHr !== undefined) {
    lines.push(
      `  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" startDate="${a.start}" endDate="${a.end}" average="${a.avgHr}" minimum="95" maximum="${a.maxHr ?? a.avgHr}" unit="count/min"/>`,
    );
  }
  if (a.distanceKm !== undefined) {
    lines.push(`  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" startDate="${a.start}" endDate="${a.end}" sum="${a.distanceKm}" unit="km"/>`);
  }
  lines.push(`  <WorkoutRoute sourceName="${a.source ?? 'Workout'}" creationDate="${a.end}" startDate="${a.start}" endDate="${a.end}">`, `   <FileReference path="/workout-routes/route_1.gpx"/>`, `  </WorkoutRoute>`, ' </Workout>');
  return lines.join('\n') + '\n';
}
