"""`malark report`: the goal follow-up chapter for KS and KF (SPEC 8), from a consolidated
workbook, as a Word document, a web page or a PDF.

    source      the consolidated workbook, read and indexed
    history     earlier outcomes (the seam for --previous, Historik, Kolada) and the trend
    chapter     the chapter decided once as neutral blocks (summary, goals, indicators)
    docx_writer / html_writer / pdf    the blocks rendered
    report      write_report: the whole command, atomic
"""
