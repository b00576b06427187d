"""Vision runtime: pretrained ONNX models for people counting and face verification.

Models come from ``python3 models/build.py`` (see models/README.md) and are
looked up in ``$Z5G_MODELS_DIR`` (default ``~/.cache/zezhou5g/models``).
Inference runs on onnxruntime: CUDA when available, else CPU
(``Z5G_INFERENCE_DEVICE`` = auto | cpu | cuda).

Images are HxWx3 uint8 BGR arrays (OpenCV's layout); all coordinates in
results are pixels of the input image.

Typical use::

    from zezhou5g.vision import PersonDetector, FaceDetector, FaceEmbedder
    people = PersonDetector().detect([frame])[0]          # PersonDetections
    faces = FaceDetector().detect([photo])[0]             # FaceDetections
    emb = FaceEmbedder().embed_faces(photo, faces)        # FaceEmbeddings (N, 128)
"""

from .face_align import align_face, align_faces, similarity_transform
from .face_detect import FaceDetector
from .face_embed import DEFAULT_MATCH_THRESHOLD, FaceEmbedder, cosine_similarity
from .face_mesh import FaceMesh, eye_aspect_ratio, mean_ear, mesh_yaw_deg
from .face_points import FacePoints
from .face_quality import QualityLimits, assess_quality, estimate_yaw_deg
from .liveness import LivenessChallenge, LivenessStatus, SpoofScorer
from .person import PersonDetector
from .results import (
    FaceDetections,
    FaceEmbeddings,
    FaceMeshResult,
    FaceQuality,
    PersonDetections,
    SpoofScores,
)
from .runtime import (
    ModelNotFoundError,
    OnnxModel,
    create_session,
    load_model,
    model_path,
    models_dir,
    select_providers,
)

__all__ = [
    "DEFAULT_MATCH_THRESHOLD",
    "FaceDetections",
    "FaceDetector",
    "FaceEmbedder",
    "FaceEmbeddings",
    "FaceMesh",
    "FaceMeshResult",
    "FacePoints",
    "FaceQuality",
    "LivenessChallenge",
    "LivenessStatus",
    "ModelNotFoundError",
    "OnnxModel",
    "PersonDetections",
    "PersonDetector",
    "QualityLimits",
    "SpoofScorer",
    "SpoofScores",
    "align_face",
    "align_faces",
    "assess_quality",
    "cosine_similarity",
    "create_session",
    "estimate_yaw_deg",
    "eye_aspect_ratio",
    "load_model",
    "mean_ear",
    "mesh_yaw_deg",
    "model_path",
    "models_dir",
    "select_providers",
    "similarity_transform",
]
