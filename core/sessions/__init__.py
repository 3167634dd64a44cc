"""An open document and what a window does with it, without a widget: one module per
kind of session (``annotate``: one annotator's version; ``review``: the gold settled
from the annotators' versions), each with the document's state and a controller
(selection, active label, navigation, what to select after an edit, hint and tooltip
texts, the entity menu). The windows in ``goldspan.gui`` only turn keys, clicks and
menus into calls of these and show what they say."""
