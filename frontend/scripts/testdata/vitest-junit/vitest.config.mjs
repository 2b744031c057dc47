// The fixture's own config, so that the frontend's include and setup files stay out of it.
export default { test: { include: ["*.spec.ts"] } };
