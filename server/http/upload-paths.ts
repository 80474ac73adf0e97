/**
 * Routes that take multipart uploads check CSRF after multer has parsed the body
 * (`csrfAfterUpload`). They register their path here; a multipart request to any other path
 * is checked like every other form, so it fails without a token.
 */
const uploadPaths: RegExp[] = [];

export function registerUploadPath(pattern: RegExp): void {
  if (!uploadPaths.some((p) => p.source === pattern.source)) uploadPaths.push(pattern);
}

export function isUploadPath(path: string): boolean {
  return uploadPaths.some((p) => p.test(path));
}
