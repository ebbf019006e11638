/** Save text as a file: the browser's download (Electron's shell turns it into a save dialog). */
export function downloadText(fileName: string, text: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${mime};charset=utf-8` }));
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = fileName;
  anchor.rel = "noopener";
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  // revoke after the click has been handled, or some browsers save nothing
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The text of a file the user picked. */
export function readFileText(file: File): Promise<string> {
  return file.text();
}
