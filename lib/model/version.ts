// Software version recorded in every model artefact (keep equal to package.json "version").
export const SOFTWARE_VERSION = "0.1.0";
