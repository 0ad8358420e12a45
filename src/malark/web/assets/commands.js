// The add-in's function file: Office requires it to initialise; Målark's button opens the
// task pane (taskpane.html), so there are no functions here.
if (window.Office) window.Office.onReady(() => {});
