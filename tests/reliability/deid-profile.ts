// PS3.15 basic-profile rule table and helpers shared by tests/reliability/deid.test.ts and http.test.ts.
import { parseDicomBytes } from "../../lib/dicom/parse.ts";

// PS3.15 Table E.1-1, basic profile action, for attributes found in mammography headers.
export const BASIC_PROFILE: Record<string, [string, string]> = {
  x00080012: ["InstanceCreationDate", "X/D"],
  x00080013: ["InstanceCreationTime", "X/Z/D"],
  x00080014: ["InstanceCreatorUID", "U"],
  x00080018: ["SOPInstanceUID", "U"],
  x00080020: ["StudyDate", "Z"],
  x00080021: ["SeriesDate", "X/D"],
  x00080022: ["AcquisitionDate", "X/Z"],
  x00080023: ["ContentDate", "Z/D"],
  x0008002a: ["AcquisitionDateTime", "X/D"],
  x00080030: ["StudyTime", "Z"],
  x00080031: ["SeriesTime", "X/D"],
  x00080032: ["AcquisitionTime", "X/Z"],
  x00080033: ["ContentTime", "Z/D"],
  x00080050: ["AccessionNumber", "Z"],
  x00080080: ["InstitutionName", "X/Z/D"],
  x00080081: ["InstitutionAddress", "X"],
  x00080082: ["InstitutionCodeSequence", "X/Z/D"],
  x00080090: ["ReferringPhysicianName", "Z"],
  x00080092: ["ReferringPhysicianAddress", "X"],
  x00080094: ["ReferringPhysicianTelephoneNumbers", "X"],
  x00080096: ["ReferringPhysicianIdentificationSequence", "X"],
  x00081010: ["StationName", "X/Z/D"],
  x00081030: ["StudyDescription", "X"],
  x0008103e: ["SeriesDescription", "X"],
  x00081040: ["InstitutionalDepartmentName", "X"],
  x00081048: ["PhysiciansOfRecord", "X"],
  x00081050: ["PerformingPhysicianName", "X"],
  x00081060: ["NameOfPhysiciansReadingStudy", "X"],
  x00081070: ["OperatorsName", "X/Z/D"],
  x00081080: ["AdmittingDiagnosesDescription", "X"],
  x00081110: ["ReferencedStudySequence", "X/Z"],
  x00081111: ["ReferencedPerformedProcedureStepSequence", "X/Z/D"],
  x00081120: ["ReferencedPatientSequence", "X"],
  x00081140: ["ReferencedImageSequence", "X/Z/U"],
  x00100010: ["PatientName", "Z"],
  x00100020: ["PatientID", "Z"],
  x00100021: ["IssuerOfPatientID", "X"],
  x00100030: ["PatientBirthDate", "Z"],
  x00100032: ["PatientBirthTime", "X"],
  x00100040: ["PatientSex", "Z"],
  x00101000: ["OtherPatientIDs", "X"],
  x00101001: ["OtherPatientNames", "X"],
  x00101002: ["OtherPatientIDsSequence", "X"],
  x00101010: ["PatientAge", "X"],
  x00101020: ["PatientSize", "X"],
  x00101030: ["PatientWeight", "X"],
  x00101040: ["PatientAddress", "X"],
  x00101060: ["PatientMotherBirthName", "X"],
  x00102154: ["PatientTelephoneNumbers", "X"],
  x00102160: ["EthnicGroup", "X"],
  x001021b0: ["AdditionalPatientHistory", "X"],
  x00104000: ["PatientComments", "X"],
  x00181000: ["DeviceSerialNumber", "X/Z/D"],
  x00181002: ["DeviceUID", "U"],
  x00181030: ["ProtocolName", "X/D"],
  x0020000d: ["StudyInstanceUID", "U"],
  x0020000e: ["SeriesInstanceUID", "U"],
  x00200010: ["StudyID", "Z"],
  x00200052: ["FrameOfReferenceUID", "U"],
  x00204000: ["ImageComments", "X"],
  x00321032: ["RequestingPhysician", "X"],
  x00321060: ["RequestedProcedureDescription", "X/Z"],
  x00400244: ["PerformedProcedureStepStartDate", "X"],
  x00400253: ["PerformedProcedureStepID", "X"],
  x00400254: ["PerformedProcedureStepDescription", "X"],
  x00400275: ["RequestAttributesSequence", "X"],
  x0040a124: ["UID", "U"],
  x0040a730: ["ContentSequence", "X"],
  x04000561: ["OriginalAttributesSequence", "X"],
};

export type Ds = ReturnType<typeof parseDicomBytes>["dataSet"];
export const text = (ds: Ds, t: string): string | null => {
  const e = ds.elements[t];
  if (!e || e.length === 0) return null;
  return Buffer.from(ds.byteArray.subarray(e.dataOffset, e.dataOffset + e.length)).toString("latin1").replace(/[\0 ]+$/, "");
};

/** Every string value (length >= 4) anywhere in the original's identifying attributes, sequences included. */
export function identifyingValues(ds: Ds, out = new Set<string>()): Set<string> {
  for (const [t, e] of Object.entries(ds.elements)) {
    const group = parseInt(t.slice(1, 5), 16);
    const identifying = t in BASIC_PROFILE || group % 2 === 1;
    if (e.items) {
      for (const it of e.items) if (it.dataSet && identifying) {
        for (const t2 of Object.keys(it.dataSet.elements)) {
          const v = text(it.dataSet, t2);
          if (v && v.length >= 4) out.add(v);
        }
      }
      continue;
    }
    if (!identifying) continue;
    const v = text(ds, t);
    if (v && v.length >= 4) for (const part of [v, ...v.split(/[\\^]/)]) if (part.trim().length >= 4) out.add(part.trim());
  }
  return out;
}

